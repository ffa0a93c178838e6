using TazLab.ImageAutomation.Engine.Registry;

namespace TazLab.ImageAutomation.Tests.Registry;

public class OrderedWorkQueueTests
{
    [Fact]
    public void HandsResultsBackInInputOrderWhateverOrderTheyFinishIn()
    {
        using var queue = new OrderedWorkQueue<int>(4, CancellationToken.None);
        var releases = Enumerable.Range(0, 4).Select(_ => new TaskCompletionSource()).ToArray();
        for (var i = 0; i < 4; i++)
        {
            var n = i;
            queue.Add(async (log, _) =>
            {
                await releases[n].Task;
                log.Verbose($"item {n}");
                return n;
            });
        }

        releases[3].SetResult();
        releases[2].SetResult();
        Thread.Sleep(50);
        Assert.Empty(queue.TakeFinished()); // item 0 is still running, so nothing may come out yet

        releases[1].SetResult();
        releases[0].SetResult();
        var outcomes = queue.TakeAll().ToList();

        Assert.Equal([0, 1, 2, 3], outcomes.Select(o => o.Value));
        Assert.Equal(["item 0", "item 1", "item 2", "item 3"], outcomes.Select(o => Assert.Single(o.Log).Message));
    }

    [Fact]
    public void RunsAtMostThrottleLimitItemsAtOnce()
    {
        using var queue = new OrderedWorkQueue<int>(2, CancellationToken.None);
        var gate = new TaskCompletionSource();
        var running = 0;
        var peak = 0;
        for (var i = 0; i < 8; i++)
        {
            queue.Add(async (_, _) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref peak, now);
                await gate.Task;
                Interlocked.Decrement(ref running);
                return now;
            });
        }

        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref running) == 2, TimeSpan.FromSeconds(10)), "two items should run at once");
        Thread.Sleep(100);
        Assert.Equal(2, Volatile.Read(ref running)); // the other six wait for a slot

        gate.SetResult();
        Assert.Equal(8, queue.TakeAll().Count());
        Assert.Equal(2, peak);
    }

    [Fact]
    public void AFailingItemCarriesItsErrorAndDoesNotStopTheOthers()
    {
        using var queue = new OrderedWorkQueue<string>(3, CancellationToken.None);
        queue.Add((_, _) => Task.FromResult("a"));
        queue.Add((log, _) =>
        {
            log.Warning("about to fail");
            throw new InvalidOperationException("boom");
        });
        queue.Add((_, _) => Task.FromResult("c"));

        var outcomes = queue.TakeAll().ToList();

        Assert.Equal("a", outcomes[0].Value);
        Assert.Equal("boom", Assert.IsType<InvalidOperationException>(outcomes[1].Error).Message);
        Assert.True(Assert.Single(outcomes[1].Log).IsWarning);
        Assert.Equal("c", outcomes[2].Value);
    }

    [Fact]
    public void CancellationEndsWaitingAndRunningItems()
    {
        using var cancel = new CancellationTokenSource();
        using var queue = new OrderedWorkQueue<int>(1, cancel.Token);
        queue.Add(async (_, ct) => { await Task.Delay(Timeout.Infinite, ct); return 1; });
        queue.Add((_, _) => Task.FromResult(2)); // never gets a slot before the cancel

        cancel.Cancel();
        var outcomes = queue.TakeAll().ToList();

        Assert.All(outcomes, o => Assert.IsAssignableFrom<OperationCanceledException>(o.Error));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
