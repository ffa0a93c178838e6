namespace System.Text.RegularExpressions;

/// <summary>.NET Core's typed regex collections and span views.</summary>
internal static class RegexPolyfill
{
    extension(MatchCollection matches)
    {
        public IEnumerable<TResult> Select<TResult>(Func<Match, TResult> selector) => matches.Cast<Match>().Select(selector);
    }

    extension(Group group)
    {
        public ReadOnlySpan<char> ValueSpan => group.Value.AsSpan();
    }
}

/// <summary>
/// .NET 7's linear-time engine does not exist on .NET Framework: patterns run on the backtracking engine, bounded by
/// their match timeout, and constructs RE2 rejects (backreferences, lookarounds) are accepted there.
/// </summary>
internal static class RegexOptionsPolyfill
{
    extension(RegexOptions)
    {
        public static RegexOptions NonBacktracking => RegexOptions.None;
    }
}
