using System.Collections;
using System.Globalization;

namespace TazLab.ImageAutomation.Engine.Templates;

/// <summary>What Go's text/template yields for a missing map key: prints as <c>&lt;no value&gt;</c>.</summary>
internal sealed class NoValue
{
    public static readonly NoValue Instance = new();
    private NoValue() { }
    public override string ToString() => "<no value>";
}

/// <summary>Go's view of .NET values: when they are "true", and how they compare and sort (printing: <see cref="GoFormat"/>).</summary>
internal static class GoValues
{
    public static bool IsInteger(object? value) => value is sbyte or byte or short or ushort or int or uint or long or ulong;

    public static long? AsInteger(object? value) => IsInteger(value) ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;

    /// <summary>text/template's truth: false, 0, nil, and empty strings, slices and maps are false.</summary>
    public static bool IsTrue(object? value) => value switch
    {
        null or NoValue => false,
        bool b => b,
        string s => s.Length > 0,
        double d => d != 0,
        float f => f != 0,
        _ when IsInteger(value) => AsInteger(value) != 0,
        ICollection collection => collection.Count > 0,
        _ => true,
    };

    /// <summary>Map keys in the order text/template ranges over them (fmtsort): strings byte-wise, numbers numerically, others by <see cref="IComparable"/>.</summary>
    public static IEnumerable<object> SortedKeys(IDictionary map)
    {
        var keys = map.Keys.Cast<object>().ToList();
        keys.Sort(CompareKeys);
        return keys;
    }

    private static int CompareKeys(object a, object b) => (a, b) switch
    {
        (string x, string y) => string.CompareOrdinal(x, y),
        (IComparable x, _) when a.GetType() == b.GetType() => x.CompareTo(b),
        _ => 0,
    };

    /// <summary>Basic values (text/template's eq/lt/...): returns the comparison, or throws when the kinds differ.</summary>
    public static int CompareBasic(object? a, object? b, bool orderOnly)
    {
        switch (a, b)
        {
            case (string x, string y):
                return string.CompareOrdinal(x, y);
            case (bool x, bool y) when !orderOnly:
                return x == y ? 0 : 1;
            case (double or float, double or float):
                return Convert.ToDouble(a, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(b, CultureInfo.InvariantCulture));
        }

        if (AsInteger(a) is { } i && AsInteger(b) is { } j)
        {
            return i.CompareTo(j);
        }

        throw new ArgumentException(IsBasic(a) && IsBasic(b) ? "incompatible types for comparison" : "invalid type for comparison");
    }

    public static bool IsBasic(object? value) => value is string or bool or double or float || IsInteger(value);
}
