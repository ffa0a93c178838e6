using System.Text.Json;

namespace TazLab.ImageAutomation.Engine.Registry;

/// <summary>
/// Reads the <c>tags</c> of a tag-list page (<c>{"name": "…", "tags": ["…"]}</c>) in one forward pass over the bytes,
/// without building a document: a page of 10,000 tags is read at the cost of the strings it yields.
/// </summary>
internal static class TagListJson
{
    /// <summary>
    /// Adds each entry of the top-level <c>tags</c> array to <paramref name="tags"/>, an empty string for an entry
    /// that is not a string (Nexus sends <c>null</c>); nothing when the body is not an object, has no <c>tags</c> or
    /// <c>tags</c> is null. The whole body is checked to be one JSON value.
    /// </summary>
    /// <exception cref="JsonException">Not valid JSON, or <c>tags</c> is neither an array nor null.</exception>
    /// <exception cref="InvalidOperationException">A string that is not valid UTF-8.</exception>
    public static void Read(ReadOnlySpan<byte> json, List<string> tags)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read())
        {
            throw new JsonException("The body is empty.");
        }

        if (reader.TokenType == JsonTokenType.StartObject)
        {
            ReadObject(ref reader, tags);
        }
        else
        {
            reader.Skip();
        }

        if (reader.Read())
        {
            throw new JsonException("More than one JSON value.");
        }
    }

    private static void ReadObject(ref Utf8JsonReader reader, List<string> tags)
    {
        var start = tags.Count;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isTags = reader.ValueTextEquals("tags"u8);
            reader.Read();
            if (!isTags)
            {
                reader.Skip();
                continue;
            }

            // A repeated "tags" replaces the one before, as the last duplicate wins in a JSON object read into a map.
            tags.RemoveRange(start, tags.Count - start);
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException("'tags' is not an array.");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.String)
                {
                    tags.Add(reader.GetString()!);
                }
                else
                {
                    reader.Skip();
                    tags.Add("");
                }
            }
        }
    }
}
