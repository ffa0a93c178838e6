namespace TazLab.ImageAutomation.Engine.Registry;

/// <summary>Reads <c>Link</c> headers (RFC 8288) the way registries use them for tag-list pages.</summary>
internal static class LinkHeader
{
    /// <summary>
    /// The target of the first link whose <c>rel</c> includes <c>next</c>, exactly as written (relative, absolute,
    /// with whatever cursor the registry chose), or null when there is none. URLs may contain commas and
    /// semicolons, so the target is read between the angle brackets, not split on separators.
    /// </summary>
    public static string? NextTarget(IEnumerable<string> headerValues)
    {
        foreach (var value in headerValues)
        {
            var i = 0;
            while (true)
            {
                var open = value.IndexOf('<', i);
                if (open < 0)
                {
                    break;
                }

                var close = value.IndexOf('>', open + 1);
                if (close < 0)
                {
                    break;
                }

                var target = value[(open + 1)..close];
                var end = EndOfLinkParameters(value, close + 1);
                if (RelValues(value[(close + 1)..end]).Contains("next", StringComparer.OrdinalIgnoreCase))
                {
                    return target.Trim();
                }

                i = end;
            }
        }

        return null;
    }

    /// <summary>Index of the comma ending this link's parameters (commas inside quotes do not count), or the end.</summary>
    private static int EndOfLinkParameters(string value, int start)
    {
        var quoted = false;
        for (var i = start; i < value.Length; i++)
        {
            if (value[i] == '"')
            {
                quoted = !quoted;
            }
            else if (value[i] == ',' && !quoted)
            {
                return i;
            }
        }

        return value.Length;
    }

    private static IEnumerable<string> RelValues(string parameters)
    {
        foreach (var parameter in parameters.Split(';'))
        {
            var eq = parameter.IndexOf('=');
            if (eq < 0 || !parameter[..eq].Trim().Equals("rel", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // rel="next", rel=next and rel="prev next" are all seen; the value is a space-separated list.
            foreach (var rel in parameter[(eq + 1)..].Trim().Trim('"').Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                yield return rel;
            }
        }
    }
}
