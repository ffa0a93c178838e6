using TazLab.ImageAutomation.Engine.Setters;

namespace TazLab.ImageAutomation.Engine.Templates;

// Flux's commit-template data model (image-automation-controller TemplateData), with Go's field names so that
// templates written for Flux run unchanged, and Go's types and struct layout so that printing it gives Flux's bytes
// (GoFormat). Maps are Dictionary (ranged in sorted key order by the executor).

/// <summary><c>.AutomationObject</c>: Go's <c>types.NamespacedName</c>, printed <c>namespace/name</c> by its String method.</summary>
[GoType("types.NamespacedName")]
public sealed record AutomationObjectName(string Namespace, string Name) : IGoStruct, IGoStringer
{
    IReadOnlyList<GoField> IGoStruct.GoFields => [new(nameof(Namespace), Namespace), new(nameof(Name), Name)];

    public string String() => $"{Namespace}/{Name}";

    public override string ToString() => String();
}

/// <summary>
/// A key of <c>.Changed.Objects</c> (Flux's <c>update.ObjectIdentifier</c>, which embeds kyaml's <c>ResourceIdentifier</c>,
/// which embeds <c>TypeMeta</c> and <c>NameMeta</c>); empty strings when a document lacks the field.
/// </summary>
[GoType("update.ObjectIdentifier")]
public sealed record TemplateObject(string APIVersion, string Kind, string Name, string Namespace) : IComparable<TemplateObject>, IComparable, IGoStruct
{
    IReadOnlyList<GoField> IGoStruct.GoFields =>
    [
        new("ResourceIdentifier", new GoStruct("yaml.ResourceIdentifier",
            new GoField("TypeMeta", new GoStruct("yaml.TypeMeta", new(nameof(APIVersion), APIVersion), new(nameof(Kind), Kind)), Embedded: true),
            new GoField("NameMeta", new GoStruct("yaml.NameMeta", new(nameof(Name), Name), new(nameof(Namespace), Namespace)), Embedded: true)),
            Embedded: true),
    ];

    /// <summary>Go's fmtsort order for this struct: field by field, byte-wise.</summary>
    public int CompareTo(TemplateObject? other)
    {
        if (other is null) return 1;
        var byApiVersion = string.CompareOrdinal(APIVersion, other.APIVersion);
        if (byApiVersion != 0) return byApiVersion;
        var byKind = string.CompareOrdinal(Kind, other.Kind);
        if (byKind != 0) return byKind;
        var byName = string.CompareOrdinal(Name, other.Name);
        return byName != 0 ? byName : string.CompareOrdinal(Namespace, other.Namespace);
    }

    public int CompareTo(object? other) => CompareTo(other as TemplateObject);
}

/// <summary>One changed value (Flux's <c>update.Change</c>); <see cref="Setter"/> is the marker name.</summary>
[GoType("update.Change")]
public sealed record TemplateChange(string OldValue, string NewValue, string Setter) : IGoStruct
{
    IReadOnlyList<GoField> IGoStruct.GoFields => [new(nameof(OldValue), OldValue), new(nameof(NewValue), NewValue), new(nameof(Setter), Setter)];
}

/// <summary>Changes per object (Flux's <c>update.ObjectChanges</c>).</summary>
[GoType("update.ObjectChanges")]
public sealed class ObjectChanges : Dictionary<TemplateObject, List<TemplateChange>>;

/// <summary>One changed value in one object of one file (relative to the update root, '/'-separated).</summary>
public sealed record ChangedValue(string File, TemplateObject Object, TemplateChange Change)
{
    public static ChangedValue From(SetterChange change) => new(change.RelativePath,
        new TemplateObject(change.Object.ApiVersion, change.Object.Kind, change.Object.Name, change.Object.Namespace),
        new TemplateChange(change.OldValue, change.NewValue, change.Setter));
}

/// <summary><c>.Changed</c> (Flux's <c>update.Result</c>: one field, and the methods Changes and Objects).</summary>
[GoType("update.Result")]
public sealed class ChangedFiles : IGoStruct
{
    public ChangedFiles(IEnumerable<ChangedValue> changes)
    {
        foreach (var (file, key, change) in changes)
        {
            if (!FileChanges.TryGetValue(file, out var objects))
            {
                FileChanges[file] = objects = [];
            }

            if (!objects.TryGetValue(key, out var list))
            {
                objects[key] = list = [];
            }

            list.Add(change);
        }
    }

    /// <summary>File path (relative to the update root, '/'-separated) → object → changes in document order.</summary>
    public Dictionary<string, ObjectChanges> FileChanges { get; } = new(StringComparer.Ordinal);

    IReadOnlyList<GoField> IGoStruct.GoFields => [new(nameof(FileChanges), FileChanges)];

    /// <summary>Changes per object, merged across files (Flux v1.2+: lists for the same object are appended).</summary>
    public ObjectChanges Objects
    {
        get
        {
            var merged = new ObjectChanges();
            foreach (var file in FileChanges.Keys.Order(StringComparer.Ordinal))
            {
                foreach (var (key, changes) in FileChanges[file])
                {
                    if (!merged.TryGetValue(key, out var list))
                    {
                        merged[key] = list = [];
                    }

                    list.AddRange(changes);
                }
            }

            return merged;
        }
    }

    /// <summary>Every distinct (old, new, setter) change. Flux's order across files is random; ours is by file, then object.</summary>
    public List<TemplateChange> Changes =>
        FileChanges.OrderBy(f => f.Key, StringComparer.Ordinal)
            .SelectMany(f => f.Value.OrderBy(o => o.Key).SelectMany(o => o.Value))
            .Distinct()
            .ToList();
}

/// <summary>The data a commit-message template sees (Flux's <c>source.TemplateData</c>): <c>.AutomationObject</c>, <c>.Changed</c> and <c>.Values</c>.</summary>
[GoType("source.TemplateData")]
public sealed class CommitTemplateData(AutomationObjectName automationObject, ChangedFiles changed, IReadOnlyDictionary<string, string>? values) : IGoStruct
{
    IReadOnlyList<GoField> IGoStruct.GoFields =>
        [new(nameof(AutomationObject), AutomationObject), new(nameof(Changed), Changed), new(nameof(Values), Values)];

    public AutomationObjectName AutomationObject { get; } = automationObject;

    public ChangedFiles Changed { get; } = changed;

    public Dictionary<string, string> Values { get; } = values is null ? [] : values.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
}
