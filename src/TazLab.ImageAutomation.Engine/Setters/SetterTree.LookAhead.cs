using System.Runtime.ExceptionServices;

namespace TazLab.ImageAutomation.Engine.Setters;

internal static partial class SetterTree
{
    /// <summary>Tests lower the bound on marked bytes held ahead; null is <see cref="LookAhead.DefaultHeldBytes"/>.</summary>
    private static readonly AsyncLocal<long?> LookAheadBytesSetting = new();

    /// <summary>Holds at most this many bytes of marked files screened ahead until disposed; for tests.</summary>
    internal static IDisposable UseLookAheadBytes(long bytes)
    {
        var previous = LookAheadBytesSetting.Value;
        LookAheadBytesSetting.Value = bytes;
        return new Restore(() => LookAheadBytesSetting.Value = previous);
    }

    /// <summary>
    /// Screens the walk ahead of its consumer on two threads. The walk is cut into chunks of consecutive visits. A
    /// thread of its own lists the next chunk when fewer than two wait to be screened, and otherwise screens the oldest
    /// waiting one; the consumer takes chunks in walk order and, rather than wait for one, screens a waiting one itself.
    /// Bounded: at most <see cref="MaxChunks"/> chunks ahead of the consumer, and a marked file's bytes are kept only
    /// while those held stay under a bound (past it the consumer reads the file again when it gets there). Nothing is
    /// reported from the second thread: its results, problems and exceptions travel in the visits. Disposing stops it
    /// after the file it is reading and waits for it; it holds no descriptor between files.
    /// </summary>
    private sealed class LookAhead : IDisposable
    {
        public const long DefaultHeldBytes = 32 * 1024 * 1024;
        private const int ChunkSize = 64, MaxChunks = 8, ListedAhead = 2;

        private readonly object gate = new();

        /// <summary>In walk order, from the consumer's next; guarded by <see cref="gate"/>, as are the chunks' states.</summary>
        private readonly List<Chunk> chunks = [];
        private readonly string root;
        private readonly long maxFileSize;
        private readonly long maxHeldBytes;
        private readonly CandidateRead read;
        private readonly Thread thread;
        private byte[] consumerBuffer = new byte[64 * 1024];
        private long heldBytes;
        private bool walked;
        private volatile bool stopping;

        private enum ChunkState
        {
            Listed,
            Screening,
            Screened,
        }

        private sealed class Chunk
        {
            public List<Visit> Visits { get; } = new(ChunkSize);

            public ChunkState State { get; set; }

            public long HeldBytes { get; set; }
        }

        private LookAhead(string root, long maxFileSize, CandidateRead read, long maxHeldBytes)
        {
            this.root = root;
            this.maxFileSize = maxFileSize;
            this.read = read;
            this.maxHeldBytes = maxHeldBytes;
            thread = new Thread(Run) { IsBackground = true, Name = "Setter look-ahead" };
            thread.Start();
        }

        /// <summary>The walk's visits in order, most of them screened.</summary>
        public static IEnumerable<Visit> Visits(string root, long maxFileSize, CandidateRead read)
        {
            using var lookAhead = new LookAhead(root, maxFileSize, read, LookAheadBytesSetting.Value ?? DefaultHeldBytes);
            while (lookAhead.Next() is { } chunk)
            {
                foreach (var visit in chunk.Visits)
                {
                    yield return visit;
                }
            }
        }

        public void Dispose()
        {
            lock (gate)
            {
                stopping = true;
                Monitor.PulseAll(gate);
            }

            thread.Join();
        }

        /// <summary>The consumer's next chunk, screened; null after the last.</summary>
        private Chunk? Next()
        {
            while (true)
            {
                Chunk waiting;
                lock (gate)
                {
                    while (true)
                    {
                        if (chunks.Count > 0 && chunks[0].State == ChunkState.Screened)
                        {
                            var head = chunks[0];
                            chunks.RemoveAt(0);
                            Interlocked.Add(ref heldBytes, -head.HeldBytes);
                            Monitor.PulseAll(gate);
                            return head;
                        }

                        if (chunks.Find(c => c.State == ChunkState.Listed) is { } listed)
                        {
                            listed.State = ChunkState.Screening;
                            waiting = listed;
                            break;
                        }

                        if (chunks.Count == 0 && walked)
                        {
                            return null;
                        }

                        Monitor.Wait(gate);
                    }
                }

                ScreenChunk(waiting, ref consumerBuffer);
            }
        }

        private void Run()
        {
            var buffer = new byte[64 * 1024];
            using var walk = Walk(root).GetEnumerator();
            try
            {
                while (true)
                {
                    Chunk? waiting = null;
                    lock (gate)
                    {
                        while (waiting is null)
                        {
                            if (stopping)
                            {
                                return;
                            }

                            if (!walked && chunks.Count < MaxChunks && chunks.Count(c => c.State == ChunkState.Listed) < ListedAhead)
                            {
                                break;
                            }

                            if (chunks.Find(c => c.State == ChunkState.Listed) is { } listed)
                            {
                                listed.State = ChunkState.Screening;
                                waiting = listed;
                            }
                            else if (walked)
                            {
                                return;
                            }
                            else
                            {
                                Monitor.Wait(gate);
                            }
                        }
                    }

                    if (waiting is null)
                    {
                        List(walk);
                    }
                    else
                    {
                        ScreenChunk(waiting, ref buffer);
                    }
                }
            }
            catch (Exception e)
            {
                // A defect here must not end the process: the consumer throws it, after the visits listed before it.
                var chunk = new Chunk { State = ChunkState.Screened };
                chunk.Visits.Add(new Visit(root) { Failure = ExceptionDispatchInfo.Capture(e) });
                lock (gate)
                {
                    chunks.Add(chunk);
                    walked = true;
                    Monitor.PulseAll(gate);
                }
            }
        }

        private void List(IEnumerator<Visit> walk)
        {
            var chunk = new Chunk();
            var more = true;
            try
            {
                while (chunk.Visits.Count < ChunkSize && !stopping && (more = walk.MoveNext()))
                {
                    chunk.Visits.Add(walk.Current);
                }
            }
            catch (Exception e)
            {
                chunk.Visits.Add(new Visit(root) { Failure = ExceptionDispatchInfo.Capture(e) });
                more = false;
            }

            lock (gate)
            {
                chunks.Add(chunk);
                walked = !more;
                Monitor.PulseAll(gate);
            }
        }

        private void ScreenChunk(Chunk chunk, ref byte[] buffer)
        {
            long held = 0;
            foreach (var visit in chunk.Visits)
            {
                if (stopping || visit.Failure is not null)
                {
                    break;
                }

                if (visit.DirectoryProblem is not null || visit.IsLeftover)
                {
                    continue;
                }

                try
                {
                    var screening = Screen(visit.Path, visit.Path, root, maxFileSize, read, ref buffer);
                    var length = screening.Content?.Length ?? 0;
                    if (length > 0 && Interlocked.Add(ref heldBytes, length) > maxHeldBytes)
                    {
                        Interlocked.Add(ref heldBytes, -length);
                        continue; // the consumer reads it again
                    }

                    held += length;
                    visit.Screening = screening;
                    visit.IsScreened = true;
                }
                catch (Exception e)
                {
                    visit.Failure = ExceptionDispatchInfo.Capture(e);
                    break;
                }
            }

            lock (gate)
            {
                chunk.HeldBytes = held;
                chunk.State = ChunkState.Screened;
                Monitor.PulseAll(gate);
            }
        }
    }
}
