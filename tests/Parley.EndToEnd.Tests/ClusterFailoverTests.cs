using System.Diagnostics;
using Xunit.Abstractions;

namespace Parley.EndToEnd.Tests;

/// <summary>
/// Two Parley processes on one real PostgreSQL and one real Redis (the ones scripts/postgres.sh and scripts/redis.sh
/// start). The browsers open node A; the room is placed on node B, so their hubs are redirected there; then node B
/// is killed with SIGKILL and the browsers meet again on node A by themselves.
/// </summary>
[Collection(MeetingCollection.Name)]
public sealed class ClusterFailoverTests(MeetingFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The goal is 10 s from the kill to everyone seeing each other; this bound leaves room for a loaded machine.</summary>
    private static readonly TimeSpan FailoverLimit = TimeSpan.FromSeconds(30);

    private readonly ClusterProcesses _cluster = new();

    public Task InitializeAsync() => Task.CompletedTask;

    // xUnit 2 ends a test class through IAsyncLifetime, not IAsyncDisposable: the processes must be stopped here.
    public Task DisposeAsync() => _cluster.DisposeAsync().AsTask();

    [Fact]
    public async Task A_meeting_redirected_to_another_node_continues_on_a_live_node_after_its_node_is_killed()
    {
        // Equal load is settled by the node id: the first room goes to "node-1", which is B.
        var nodes = await _cluster.StartAsync("node-2", "node-1");
        var (nodeA, nodeB) = (nodes[0], nodes[1]);

        var log = new ServerLog();
        await using var alice = await fixture.OpenAsync("Alice", nodeA.BaseAddress, log);
        await using var bob = await fixture.OpenAsync("Bob", nodeA.BaseAddress, log);
        try
        {
            await alice.SignUpAsync();
            var joinCode = await alice.CreateRoomAsync();
            await alice.EnterCreatedRoomAsync();
            await bob.SignUpAsync();
            await bob.JoinByCodeAsync(joinCode);
            await alice.WaitForCameraAndMicAsync(bob);
            await bob.WaitForCameraAndMicAsync(alice);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"{e.Message}\nAlice: {alice.ConsoleTail}\nBob: {bob.ConsoleTail}\n{_cluster.Tails()}");
        }

        Assert.Equal(["node-1", "node-1"], await _cluster.RowNodesAsync());

        var before = (await alice.ReceivedAsync()).Concat(await bob.ReceivedAsync()).Select(t => t.ConsumerId).ToHashSet();
        var clock = Stopwatch.StartNew();
        await nodeB.KillAsync();

        // Both pages come back through node A, are placed there once B's heartbeat expires, and consume anew.
        try
        {
            await WaitForNewMediaAsync(alice, bob, before);
            await WaitForNewMediaAsync(bob, alice, before);
        }
        catch (Xunit.Sdk.XunitException e)
        {
            // The page's side alone rarely says why a rejoin failed: the live node's log does.
            Assert.Fail($"{e.Message}\n{_cluster.Tails()}");
        }

        var failover = clock.Elapsed;
        output.WriteLine($"Failover: {failover.TotalSeconds:0.0} s from SIGKILL of the room's node to both pages decoding each other's camera and hearing the microphone again");
        Assert.True(failover < FailoverLimit, $"Failover took {failover.TotalSeconds:0.0} s");
        // The dead node's rows are gone; the two people are in the room once each, on node A.
        Assert.Equal(["node-2", "node-2"], await _cluster.RowNodesAsync());
    }

    private static async Task WaitForNewMediaAsync(Participant viewer, Participant sender, HashSet<string> old) =>
        await viewer.WaitForReceivedAsync(
            sender,
            tracks => tracks.Any(t => t is { Kind: "video", Source: "cam", FramesDecoded: > 0 } && !old.Contains(t.ConsumerId))
                && tracks.Any(t => t is { Kind: "audio", Source: "mic", PacketsReceived: > 0 } && !old.Contains(t.ConsumerId)),
            "camera frames and microphone packets on new consumers",
            FailoverLimit);
}
