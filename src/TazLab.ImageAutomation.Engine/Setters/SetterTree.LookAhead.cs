using System.Runtime.ExceptionServices;

namespace TazLab.ImageAutomation.Engine.Setters;

internal static partial class SetterTree
{
    /// <summary>Tests lower the bound on bytes held ahead; null is <see cref="LookAhead.DefaultHeldBytes"/>.</summary>
    private static readonly AsyncLocal<long?> LookAheadBytesSetting = new();

    /// <summary>Holds at most this many bytes of marked files screened ahead (as their work counts them) until disposed; for tests.</summary>
    internal static IDisposable UseLookAheadBytes(long bytes)
    {
        var previous = LookAheadBytesSetting.Value;
        LookAheadBytesSetting.Value = bytes;
        return new Restore(() => LookAheadBytesSetting.Value = previous);
    }

    /// <summary>
    /// Screens the walk ahead of its consumer on two threads. The walk is cut into chunks of consecutive visits. Each
    /// thread lists the next chunk (one thread at a time) or screens the oldest chunk's next unclaimed file; the second
    /// thread lists first while fewer than two chunks have files to claim, the consumer screens first. The consumer
    /// takes chunks in walk order and, rather than wait for one, does the other thread's work, so a thread preempted on
    /// a busy machine holds up only the file it is reading. Screening a marked file includes the walk's work on it.
    /// Bounded: at most <see cref="MaxChunks"/> chunks ahead of the consumer, and a marked file is worked on and kept
    /// only while the bytes held (as the work counts them) stay under a bound (past it the consumer reads the file again
    /// when it gets there). Nothing is reported from the second thread: results, problems and exceptions travel in the
    /// visits. Disposing stops it after the file it is reading and waits for it; between chunks it holds no descriptor.
    /// </summary>
    private sealed class LookAhead : IDisposable
    {
        public const long DefaultHeldBytes = 32 * 1024 * 1024;
        private const int ChunkSize = 64, MaxChunks = 16, ClaimableAhead = 2;

        private readonly object gate = new();

        /// <summary>In walk order, from the consumer's next; guarded by <see cref="gate"/>, as are <see cref="walked"/> and <see cref="listing"/>.</summary>
        private readonly List<Chunk> chunks = [];
        private readonly IEnumerator<Visit> walk;
        private readonly RelativeOpener listOpener = new();
        private readonly string root;
        private readonly long maxFileSize;
        private readonly long maxHeldBytes;
        private readonly CandidateRead read;
        private readonly bool byRuns;
        private readonly Func<ScreenedFile, object> work;
        private readonly int heldPerByte;
        private readonly Thread thread;
        private byte[] consumerBuffer = new byte[BufferSize];
        private long heldBytes;
        private bool walked;
        private bool listing;
        private volatile bool stopping;

        private sealed class Chunk
        {
            private int claimed;
            private int finished;
            private long held;

            public List<Visit> Visits { get; } = new(ChunkSize);

            /// <summary>Every visit screened; set under the gate.</summary>
            public bool IsScreened { get; set; }

            public bool HasUnclaimed => Volatile.Read(ref claimed) < Visits.Count;

            public long HeldBytes => Interlocked.Read(ref held);

            /// <summary>The index of a visit nobody screens yet, or -1.</summary>
            public int Claim()
            {
                var index = Interlocked.Increment(ref claimed) - 1;
                return index < Visits.Count ? index : -1;
            }

            /// <returns>Whether that was the last visit screened.</returns>
            public bool Finish(long heldBytes)
            {
                Interlocked.Add(ref held, heldBytes);
                return Interlocked.Increment(ref finished) == Visits.Count;
            }
        }

        private LookAhead(string root, long maxFileSize, CandidateRead read, bool byRuns, Func<ScreenedFile, object> work, int heldPerByte, long maxHeldBytes)
        {
            this.root = root;
            this.maxFileSize = maxFileSize;
            this.read = read;
            this.byRuns = byRuns;
            this.work = work;
            this.heldPerByte = heldPerByte;
            this.maxHeldBytes = maxHeldBytes;
            walk = Walk(root, listOpener).GetEnumerator();
            thread = new Thread(Run) { IsBackground = true, Name = "Setter look-ahead" };
            thread.Start();
        }

        /// <summary>The walk's visits in order, most of them screened and worked on.</summary>
        /// <param name="byRuns">Read with <see cref="CandidateReader.LinuxReadFrom"/> rather than <paramref name="read"/>.</param>
        /// <param name="heldPerByte">The bytes a result of <paramref name="work"/> holds per byte of its file.</param>
        public static IEnumerable<Visit> Visits(string root, long maxFileSize, CandidateRead read, bool byRuns, Func<ScreenedFile, object> work, int heldPerByte)
        {
            using var lookAhead = new LookAhead(root, maxFileSize, read, byRuns, work, heldPerByte, LookAheadBytesSetting.Value ?? DefaultHeldBytes);
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
            walk.Dispose();
            listOpener.Dispose();
        }

        /// <summary>The consumer's next chunk, screened; null after the last.</summary>
        private Chunk? Next()
        {
            while (true)
            {
                Chunk? unclaimed;
                lock (gate)
                {
                    while (true)
                    {
                        if (chunks.Count > 0 && chunks[0].IsScreened)
                        {
                            var head = chunks[0];
                            chunks.RemoveAt(0);
                            Interlocked.Add(ref heldBytes, -head.HeldBytes);
                            Monitor.PulseAll(gate);
                            return head;
                        }

                        if (chunks.Count == 0 && walked)
                        {
                            return null;
                        }

                        if (TakeWork(listFirst: false, out unclaimed))
                        {
                            break;
                        }

                        Monitor.Wait(gate);
                    }
                }

                Work(unclaimed, ref consumerBuffer);
            }
        }

        private void Run()
        {
            var buffer = new byte[BufferSize];
            try
            {
                while (true)
                {
                    Chunk? unclaimed;
                    lock (gate)
                    {
                        while (true)
                        {
                            if (stopping || (walked && !listing && !chunks.Exists(c => c.HasUnclaimed)))
                            {
                                return;
                            }

                            if (TakeWork(listFirst: chunks.Count(c => c.HasUnclaimed) < ClaimableAhead, out unclaimed))
                            {
                                break;
                            }

                            Monitor.Wait(gate);
                        }
                    }

                    Work(unclaimed, ref buffer);
                }
            }
            catch (Exception e)
            {
                // A defect here must not end the process: the consumer throws it, after the visits listed before it.
                var chunk = new Chunk { IsScreened = true };
                chunk.Visits.Add(new Visit(root) { Failure = ExceptionDispatchInfo.Capture(e) });
                lock (gate)
                {
                    chunks.Add(chunk);
                    walked = true;
                    Monitor.PulseAll(gate);
                }
            }
        }

        /// <summary>Under the gate: a chunk with files to claim (<paramref name="unclaimed"/>), or the walk to list the next chunk (null).</summary>
        /// <returns>False when there is nothing to do until another thread moves.</returns>
        private bool TakeWork(bool listFirst, out Chunk? unclaimed)
        {
            var canList = !walked && !listing && chunks.Count < MaxChunks;
            unclaimed = listFirst && canList ? null : chunks.Find(c => c.HasUnclaimed);
            if (unclaimed is not null)
            {
                return true;
            }

            listing = canList;
            return canList;
        }

        private void Work(Chunk? unclaimed, ref byte[] buffer)
        {
            if (unclaimed is null)
            {
                List();
            }
            else
            {
                Screen(unclaimed, ref buffer);
            }
        }

        /// <summary>Lists the next chunk; one thread at a time (<see cref="listing"/>).</summary>
        private void List()
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
                chunk.IsScreened = chunk.Visits.Count == 0;
                chunks.Add(chunk);
                walked = !more;
                listing = false;
                Monitor.PulseAll(gate);
            }
        }

        /// <summary>Screens the chunk's files nobody has claimed, one claim at a time.</summary>
        private void Screen(Chunk chunk, ref byte[] buffer)
        {
            using var opener = byRuns ? new RelativeOpener() : null;
            var reader = opener is null ? read : CandidateReader.LinuxReadFrom(opener);
            int index;
            while (!stopping && (index = chunk.Claim()) >= 0)
            {
                var visit = chunk.Visits[index];
                long held = 0;
                if (visit.DirectoryProblem is null && !visit.IsLeftover && visit.Failure is null)
                {
                    try
                    {
                        var screening = SetterTree.Screen(visit.Path, visit.Path, visit.IsListedRegular, root, maxFileSize, reader, ref buffer);
                        held = (screening.Content?.Length ?? 0) * (long)heldPerByte;
                        if (held > 0 && Interlocked.Add(ref heldBytes, held) > maxHeldBytes)
                        {
                            Interlocked.Add(ref heldBytes, -held);
                            held = 0; // not kept: the consumer reads it again
                        }
                        else
                        {
                            visit.Screening = Worked(screening, visit.Path, visit.Path, root, work);
                            visit.IsScreened = true;
                        }
                    }
                    catch (Exception e)
                    {
                        visit.Failure = ExceptionDispatchInfo.Capture(e);
                    }
                }

                if (chunk.Finish(held))
                {
                    lock (gate)
                    {
                        chunk.IsScreened = true;
                        Monitor.PulseAll(gate);
                    }
                }
            }
        }
    }
}
