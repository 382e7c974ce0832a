using System.Diagnostics;
using Parley.Media.Net;
using Parley.Media.Routing;

namespace Parley.Media.Tests.Routing;

/// <summary>A worker that falls behind drops the oldest datagrams, so what it forwards waited at most the budget.</summary>
public sealed class OverloadSheddingTests
{
    [Fact]
    public void A_datagram_is_too_late_only_past_the_budget_and_never_without_an_arrival_time()
    {
        var shedding = new OverloadShedding(maxAge: 50);
        Assert.False(shedding.IsTooLate(arrivedAt: 1000, now: 1050));
        Assert.True(shedding.IsTooLate(arrivedAt: 1000, now: 1051));
        Assert.False(shedding.IsTooLate(arrivedAt: 0, now: 1_000_000));
        Assert.False(new OverloadShedding(maxAge: 0).IsTooLate(arrivedAt: 1, now: 1_000_000));
    }

    [Fact]
    public void Past_capacity_a_fifo_with_the_policy_drops_the_oldest_and_bounds_the_wait_where_it_would_grow_without_it()
    {
        // One datagram arrives every 4 ticks; handling one takes 5 (1.25 times capacity); dropping one costs 1.
        const int arrivals = 4000;
        var (maxWaitShed, handledShed, droppedShed) = Simulate(new OverloadShedding(maxAge: 100), arrivals);
        var (maxWaitQueued, handledQueued, droppedQueued) = Simulate(new OverloadShedding(maxAge: 0), arrivals);

        Assert.Equal(0, droppedQueued);
        Assert.Equal(arrivals, handledQueued);
        Assert.True(maxWaitQueued > 3000, $"without shedding the wait grows with the backlog: {maxWaitQueued}");

        Assert.True(maxWaitShed <= 100, $"every datagram handled waited at most the budget: {maxWaitShed}");
        Assert.Equal(arrivals, handledShed + droppedShed);
        Assert.InRange(droppedShed, arrivals / 6, arrivals / 3);
    }

    [Fact]
    public async Task A_queued_datagram_older_than_the_budget_is_dropped_unhandled_and_counted()
    {
        await using var worker = new Worker("shedding-test", portableWait: false, maxQueueDelay: TimeSpan.FromMilliseconds(50));
        var sink = new CountingSink();
        var stale = Stopwatch.GetTimestamp() - Stopwatch.Frequency; // a second ago
        worker.PostDatagram(sink, worker.Buffers.Rent(), 12, default, stale);
        worker.PostDatagram(sink, worker.Buffers.Rent(), 12, default, Stopwatch.GetTimestamp());
        worker.PostDatagram(sink, worker.Buffers.Rent(), 12, default, arrivalTimestamp: 0);
        await worker.InvokeAsync(() => { });

        Assert.Equal(2, sink.Calls);
        Assert.Equal(1, worker.GetOverloadDropCount(OverloadDropReason.WorkerQueue));
        Assert.Equal(0, worker.GetOverloadDropCount(OverloadDropReason.SocketBacklog));
        Assert.Equal(0, worker.Buffers.Outstanding);
    }

    /// <summary>A FIFO served by one thread, as the worker serves its queue: returns the longest wait of a datagram handled.</summary>
    private static (long MaxWait, int Handled, int Dropped) Simulate(OverloadShedding shedding, int arrivals)
    {
        const long interval = 4, handleCost = 5, dropCost = 1;
        long now = 1, maxWait = 0;
        int handled = 0, dropped = 0;
        for (var i = 0; i < arrivals; i++)
        {
            var arrivedAt = 1 + (i * interval);
            now = Math.Max(now, arrivedAt);
            if (shedding.IsTooLate(arrivedAt, now))
            {
                dropped++;
                now += dropCost;
                continue;
            }

            maxWait = Math.Max(maxWait, now - arrivedAt);
            handled++;
            now += handleCost;
        }

        return (maxWait, handled, dropped);
    }

    private sealed class CountingSink : IDatagramSink
    {
        public int Calls;

        public void OnDatagram(Span<byte> datagram, in TransportTuple from, long arrivalTimestamp) => Calls++;
    }
}
