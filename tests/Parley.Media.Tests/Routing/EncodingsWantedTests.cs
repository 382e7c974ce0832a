using System.Collections.Concurrent;
using System.Diagnostics;
using Parley.Media.Routing;

namespace Parley.Media.Tests.Routing;

/// <summary>A simulcast producer tells which encodings its consumers need (the contract's <c>producerLayersWanted</c>).</summary>
public sealed class EncodingsWantedTests
{
    [Fact]
    public async Task Encodings_above_every_consumers_preference_are_unwanted_after_a_hold_and_wanted_again_at_once()
    {
        await using var scenario = await RoutingScenario.StartAsync(SimulcastTests.SimulcastParameters());
        var changes = new ConcurrentQueue<bool[]>();
        scenario.Producer.EncodingsWantedChanged += (_, wanted) => changes.Enqueue([.. wanted]);
        var (_, consumer, _) = await scenario.AddConsumerAsync();
        var (_, other, _) = await scenario.AddConsumerAsync();
        Assert.Equal([true, true, true], scenario.Producer.EncodingsWanted);

        await consumer.SetPreferredLayersAsync(0);
        await other.SetPreferredLayersAsync(1);
        var lowered = Stopwatch.StartNew();
        await Eventually.TrueAsync(() => Task.FromResult(!changes.IsEmpty), "the top encoding to be unwanted");
        Assert.True(lowered.ElapsedMilliseconds >= Producer.WantedEncodingsHoldMs - Producer.WantedEncodingsCheckMs, $"lowered after {lowered.ElapsedMilliseconds} ms");
        Assert.Equal([true, true, false], Dequeue(changes));

        // A paused consumer needs nothing; the lowest encoding stays wanted so that a newcomer starts at once.
        await other.PauseAsync();
        await Eventually.TrueAsync(() => Task.FromResult(!changes.IsEmpty), "only the lowest encoding to be wanted");
        Assert.Equal([true, false, false], Dequeue(changes));
        Assert.Equal([true, false, false], scenario.Producer.EncodingsWanted);

        await consumer.SetPreferredLayersAsync(2);
        await Eventually.TrueAsync(() => Task.FromResult(!changes.IsEmpty), "every encoding to be wanted again");
        Assert.Equal([true, true, true], Dequeue(changes));
        Assert.True(changes.IsEmpty);
    }

    private static bool[] Dequeue(ConcurrentQueue<bool[]> changes)
    {
        Assert.True(changes.TryDequeue(out var change));
        return change;
    }
}
