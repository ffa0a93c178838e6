namespace System.Runtime.CompilerServices;

/// <summary>
/// What C# lowers <c>array[a..b]</c> to, which .NET Framework's RuntimeHelpers lacks. Inside the engine's net472
/// build this class stands in for the framework's (the compiler takes the compilation's own copy): engine code that
/// calls another RuntimeHelpers member there needs it added here.
/// </summary>
internal static class RuntimeHelpers
{
    public static T[] GetSubArray<T>(T[] array, Range range)
    {
        var (offset, length) = range.GetOffsetAndLength(array.Length);
        var result = new T[length];
        Array.Copy(array, offset, result, 0, length);
        return result;
    }
}
