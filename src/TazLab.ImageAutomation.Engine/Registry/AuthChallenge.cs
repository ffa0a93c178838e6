namespace TazLab.ImageAutomation.Engine.Registry;

/// <summary>One challenge of a <c>WWW-Authenticate</c> header (RFC 7235): a scheme and its parameters.</summary>
internal sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public string? this[string name] => Parameters.TryGetValue(name, out var value) ? value : null;

    /// <summary>The challenge without what was specific to one request (<c>scope</c>, <c>error</c>), to remember per registry.</summary>
    public AuthChallenge WithoutRequestDetails() => this with
    {
        Parameters = Parameters.Where(p => !p.Key.Equals("scope", StringComparison.OrdinalIgnoreCase) && !p.Key.Equals("error", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase),
    };

    /// <summary>
    /// Parses every challenge in the given header values. One header may hold several challenges
    /// (<c>Bearer realm="…",service="…", Basic realm="…"</c>) and quoted values may contain commas.
    /// </summary>
    public static IReadOnlyList<AuthChallenge> Parse(IEnumerable<string> headerValues)
    {
        var challenges = new List<AuthChallenge>();
        foreach (var value in headerValues)
        {
            new Scanner(value).ReadChallenges(challenges);
        }

        return challenges;
    }

    /// <summary>The challenge to answer: Bearer when offered (it scopes access), else Basic, else none we speak.</summary>
    public static AuthChallenge? Preferred(IReadOnlyList<AuthChallenge> challenges) =>
        challenges.FirstOrDefault(c => c.IsBearer) ?? challenges.FirstOrDefault(c => c.IsBasic);

    private sealed class Scanner(string text)
    {
        private int position;

        public void ReadChallenges(List<AuthChallenge> into)
        {
            while (true)
            {
                SkipWhile(c => c == ',' || IsSpace(c));
                if (position >= text.Length)
                {
                    return;
                }

                var scheme = ReadToken();
                if (scheme.Length == 0)
                {
                    position++; // not a token character: skip it rather than loop forever
                    continue;
                }

                var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                SkipWhile(IsSpace);
                while (StartsParameter())
                {
                    var name = ReadToken();
                    SkipWhile(IsSpace);
                    position++; // '='
                    SkipWhile(IsSpace);
                    parameters[name] = position < text.Length && text[position] == '"' ? ReadQuoted() : ReadToken();
                    SkipWhile(IsSpace);
                    if (position < text.Length && text[position] == ',')
                    {
                        position++;
                        SkipWhile(IsSpace);
                    }
                }

                into.Add(new AuthChallenge(scheme, parameters));
            }
        }

        /// <summary>True when the text ahead is <c>name=</c> (a parameter), false when it is the next challenge's scheme.</summary>
        private bool StartsParameter()
        {
            var i = position;
            while (i < text.Length && IsTokenChar(text[i]))
            {
                i++;
            }

            if (i == position)
            {
                return false;
            }

            while (i < text.Length && IsSpace(text[i]))
            {
                i++;
            }

            return i < text.Length && text[i] == '=';
        }

        private string ReadToken()
        {
            var start = position;
            SkipWhile(IsTokenChar);
            return text[start..position];
        }

        private string ReadQuoted()
        {
            var value = new System.Text.StringBuilder();
            for (position++; position < text.Length && text[position] != '"'; position++)
            {
                if (text[position] == '\\' && position + 1 < text.Length)
                {
                    position++;
                }

                value.Append(text[position]);
            }

            position++; // closing quote (or past the end of an unterminated value)
            return value.ToString();
        }

        private void SkipWhile(Func<char, bool> predicate)
        {
            while (position < text.Length && predicate(text[position]))
            {
                position++;
            }
        }

        private static bool IsSpace(char c) => c is ' ' or '\t';

        // RFC 7230 tchar
        private static bool IsTokenChar(char c) =>
            char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c);
    }
}
