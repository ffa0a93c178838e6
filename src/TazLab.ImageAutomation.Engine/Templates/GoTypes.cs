using System.Collections;
using System.Reflection;

namespace TazLab.ImageAutomation.Engine.Templates;

/// <summary>The Go type a template data class stands for (<c>%T</c>, error messages, <c>%#v</c>).</summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class GoTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>One field of a Go struct; an embedded field is named after its type, and its fields are promoted.</summary>
internal readonly record struct GoField(string Name, object? Value, bool Embedded = false);

/// <summary>A value Go would print as a struct: its fields in declaration order.</summary>
internal interface IGoStruct
{
    IReadOnlyList<GoField> GoFields { get; }
}

/// <summary>Go's <c>fmt.Stringer</c>: <c>%v</c>, <c>%s</c>, <c>%q</c>, <c>%x</c> print the result of <see cref="String"/>.</summary>
internal interface IGoStringer
{
    string String();
}

/// <summary>A nested struct that has no class of its own here (kyaml's <c>ResourceIdentifier</c>, <c>TypeMeta</c>, <c>NameMeta</c>).</summary>
internal sealed class GoStruct(string typeName, params GoField[] fields) : IGoStruct
{
    public string TypeName { get; } = typeName;

    public IReadOnlyList<GoField> GoFields { get; } = fields;
}

internal static class GoTypes
{
    /// <summary>Go's name for a value's type, as <c>%T</c> prints it.</summary>
    public static string NameOf(object? value) => value switch
    {
        null => "<nil>",
        NoValue => "<no value>",
        GoStruct s => s.TypeName,
        _ => NameOf(value.GetType()),
    };

    private static string NameOf(Type type)
    {
        if (type.GetCustomAttribute<GoTypeAttribute>() is { } named)
        {
            return named.Name;
        }

        if (type == typeof(string)) return "string";
        if (type == typeof(bool)) return "bool";
        if (type == typeof(double)) return "float64";
        if (type == typeof(float)) return "float32";
        if (type == typeof(long) || type == typeof(int)) return "int";
        if (type == typeof(object)) return "interface {}";
        if (Generic(type, typeof(IDictionary<,>)) is { } map) return $"map[{NameOf(map[0])}]{NameOf(map[1])}";
        if (Generic(type, typeof(IList<>)) is { } list) return $"[]{NameOf(list[0])}";
        if (typeof(IDictionary).IsAssignableFrom(type)) return "map[interface {}]interface {}";
        return typeof(IEnumerable).IsAssignableFrom(type) ? "[]interface {}" : type.Name;
    }

    /// <summary>The type arguments of the generic interface <paramref name="definition"/> the type implements, or null.</summary>
    public static Type[]? Generic(Type type, Type definition) =>
        type.GetInterfaces().Append(type)
            .FirstOrDefault(t => t.IsGenericType && t.GetGenericTypeDefinition() == definition)?.GetGenericArguments();

    /// <summary>A field by name as Go resolves <c>.Name</c>: the struct's own fields first, then fields promoted from embedded structs, shallowest first.</summary>
    public static bool TryGetField(IGoStruct value, string name, out object? field)
    {
        var level = new List<IGoStruct> { value };
        while (level.Count > 0)
        {
            var next = new List<IGoStruct>();
            foreach (var candidate in level)
            {
                foreach (var f in candidate.GoFields)
                {
                    if (f.Name == name)
                    {
                        field = f.Value;
                        return true;
                    }

                    if (f.Embedded && f.Value is IGoStruct embedded)
                    {
                        next.Add(embedded);
                    }
                }
            }

            level = next;
        }

        field = null;
        return false;
    }
}
