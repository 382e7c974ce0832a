using Microsoft.EntityFrameworkCore;
using Parley.Data.Entities;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Cluster;

/// <summary>
/// A node starting finishes what it (or a dead node) left open — history sessions, recordings — and never touches
/// what a live node is running.
/// </summary>
public sealed class NodeAwareRecoveryTests : IAsyncLifetime
{
    private readonly ClusterNodes _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_node_starting_closes_its_own_and_dead_nodes_leftovers_but_not_a_live_nodes_session_or_recording()
    {
        var seed = _cluster.Start("seed-node");
        var owner = await seed.RegisterAsync("Owner");
        var roomId = await seed.CreateRoomAsync(owner);
        var otherRoomId = await seed.CreateRoomAsync(owner);
        var gone = await seed.CreateRoomAsync(owner);
        // "live-node" is alive for the whole test; "dead-node" never beat.
        await _cluster.PretendNodeAsync("live-node", TimeSpan.FromMinutes(5));
        var now = DateTime.UtcNow;
        var startedAt = new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, DateTimeKind.Utc).AddMinutes(-10);
        var own = new MeetingSession { RoomId = roomId, StartedAt = startedAt, NodeId = "restarting-node" };
        var running = new MeetingSession { RoomId = otherRoomId, StartedAt = startedAt, NodeId = "live-node" };
        var dead = new MeetingSession { RoomId = gone, StartedAt = startedAt, NodeId = "dead-node" };
        var runningRecording = new Parley.Data.Entities.Recording
        {
            RoomId = otherRoomId, StartedAt = startedAt, UpdatedAt = startedAt, Status = RecordingStatuses.Recording, NodeId = "live-node",
        };
        var ownRecording = new Parley.Data.Entities.Recording
        {
            RoomId = roomId, StartedAt = startedAt, UpdatedAt = startedAt, Status = RecordingStatuses.Recording, NodeId = "restarting-node",
        };
        await seed.QueryAsync(async db =>
        {
            db.MeetingSessions.AddRange(own, running, dead);
            db.Recordings.AddRange(runningRecording, ownRecording);
            return await db.SaveChangesAsync();
        });

        var restarted = _cluster.Start("restarting-node");
        await ClusterNodes.WaitForNodesAsync(restarted, restarted);
        await Eventually.HoldsAsync(async () => await restarted.QueryAsync(db =>
            db.MeetingSessions.CountAsync(s => (s.Id == own.Id || s.Id == dead.Id) && s.EndedAt != null)) == 2,
            "its own and the dead node's sessions are closed");

        var stillOpen = await restarted.QueryAsync(db => db.MeetingSessions.AsNoTracking().SingleAsync(s => s.Id == running.Id));
        Assert.Null(stillOpen.EndedAt);
        var live = await restarted.QueryAsync(db => db.Recordings.AsNoTracking().SingleAsync(r => r.Id == runningRecording.Id));
        Assert.Equal((RecordingStatuses.Recording, "live-node", startedAt), (live.Status, live.NodeId, live.UpdatedAt));
        // Its own recording is being composed from what is on disk (here nothing: it fails) — no longer "recording".
        var recovered = await restarted.QueryAsync(db => db.Recordings.AsNoTracking().SingleAsync(r => r.Id == ownRecording.Id));
        Assert.NotEqual(RecordingStatuses.Recording, recovered.Status);
    }
}
