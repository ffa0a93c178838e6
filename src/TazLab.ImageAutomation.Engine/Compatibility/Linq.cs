namespace System.Linq;

/// <summary>.NET 6 and 7's LINQ operators.</summary>
internal static class LinqPolyfill
{
    extension<TSource>(IEnumerable<TSource> source)
    {
        public IEnumerable<TSource> DistinctBy<TKey>(Func<TSource, TKey> keySelector, IEqualityComparer<TKey>? comparer = null)
        {
            var seen = new HashSet<TKey>(comparer);
            return source.Where(item => seen.Add(keySelector(item)));
        }

        public IOrderedEnumerable<TSource> Order(IComparer<TSource>? comparer = null) => source.OrderBy(item => item, comparer);

        public TSource FirstOrDefault(TSource defaultValue)
        {
            foreach (var item in source)
            {
                return item;
            }

            return defaultValue;
        }

        public TSource FirstOrDefault(Func<TSource, bool> predicate, TSource defaultValue) => source.Where(predicate).FirstOrDefault(defaultValue);
    }
}
