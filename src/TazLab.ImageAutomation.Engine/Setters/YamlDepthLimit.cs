using YamlDotNet.Core;
using YamlDotNet.Core.Tokens;

namespace TazLab.ImageAutomation.Engine.Setters;

/// <summary>A file nested deeper than <see cref="YamlDepthLimit.MaxDepth"/>; it is skipped.</summary>
internal sealed class YamlTooDeepException(Mark start, Mark end, string message) : YamlException(start, end, message);

/// <summary>
/// Bounds how deeply a YAML text may nest collections (flow and block, counted together). YamlDotNet's scanner does
/// work per token in proportion to the flow depth, so 2 MB of <c>[</c> took minutes; past the limit the parse stops at
/// once with a <see cref="YamlTooDeepException"/> at the token that went too deep.
/// </summary>
internal static class YamlDepthLimit
{
    /// <summary>Far deeper than any Kubernetes manifest or CRD schema (a few tens of levels), and low enough that a file of the size limit parses in well under a second.</summary>
    public const int MaxDepth = 100;

    /// <summary>The tokens of <paramref name="scanner"/>, unchanged, until one opens a collection deeper than <paramref name="maxDepth"/>.</summary>
    public static IScanner Wrap(IScanner scanner, int maxDepth = MaxDepth) => new Bounded(scanner, maxDepth);

    private sealed class Bounded(IScanner scanner, int maxDepth) : IScanner
    {
        private int depth;

        public Mark CurrentPosition => scanner.CurrentPosition;

        public Token? Current => scanner.Current;

        public bool MoveNext()
        {
            if (Current is not null)
            {
                ConsumeCurrent();
            }

            return MoveNextWithoutConsuming();
        }

        public bool MoveNextWithoutConsuming() => scanner.MoveNextWithoutConsuming();

        public void ConsumeCurrent()
        {
            switch (scanner.Current)
            {
                case FlowSequenceStart or FlowMappingStart or BlockSequenceStart or BlockMappingStart when ++depth > maxDepth:
                    throw new YamlTooDeepException(scanner.Current.Start, scanner.Current.End,
                        $"Collections are nested more than {maxDepth} levels deep here, the limit.");
                case FlowSequenceEnd or FlowMappingEnd or BlockEnd:
                    depth--;
                    break;
            }

            scanner.ConsumeCurrent();
        }
    }
}
