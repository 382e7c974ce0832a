using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Parley.Data.Entities;
using Parley.Server.Cluster;
using Parley.Server.Tests.Hubs;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Cluster;

/// <summary>
/// The dead-node sweep runs on every live node, but the room it tells lives on one of them, where people rejoin. A
/// sweep on another node deleting the dead node's row, then announcing the leave after the person rejoined on the
/// room's node, would tell the room that someone present has gone. The room must never hear "left" after "joined".
/// </summary>
public sealed class DeadNodeSweepOrderTests : IAsyncLifetime
{
    // Heartbeats (and so the nodes' own sweeps) once a minute: the test runs the sweep itself, at the worst moment.
    private static readonly Dictionary<string, string> SlowBeats = new()
    {
        ["Node:HeartbeatInterval"] = "00:01:00", ["Node:HeartbeatTimeout"] = "00:02:00", ["Node:RoomLeaseTime"] = "00:03:00",
    };

    private readonly ClusterNodes _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_sweep_on_another_node_never_announces_a_leave_after_the_rejoin_on_the_rooms_node()
    {
        var sweeper = _cluster.Start("a-sweeper", SlowBeats);
        var holder = _cluster.Start("b-holder", SlowBeats);
        var owner = await holder.RegisterAsync("Owner");
        var guest = await holder.GuestAsync("Guest");
        var late = await holder.GuestAsync("Late");
        var roomId = await holder.CreateRoomAsync(owner);
        Assert.True(await ClusterNodes.Directory(holder).TryPlaceAsync(roomId, "b-holder"));
        // The guest was in the meeting through "dead-node", which is not in the registry: dead.
        await holder.QueryAsync(db =>
        {
            var now = DateTime.UtcNow;
            db.RoomUsers.Add(new RoomUser { RoomId = roomId, UserId = guest.UserId, Role = RoomRoles.Participant, NodeId = "dead-node", CreatedAt = now, UpdatedAt = now });
            return db.SaveChangesAsync();
        });

        await using var host = await holder.ConnectAsync(owner);
        var heard = new ConcurrentQueue<string>();
        foreach (var kind in new[] { "userJoined", "userLeft" })
        {
            host.Connection.On<JsonElement>(kind, e => heard.Enqueue($"{kind}:{e.GetProperty("userId").GetString()}"));
        }

        Assert.Equal("joined", (await host.JoinAsync(roomId)).GetProperty("status").GetString());

        // The guest rejoins on the room's node right after the sweeper's delete of the dead node's row, should the
        // sweeper delete it itself.
        await using var back = await holder.ConnectAsync(guest);
        var rejoined = 0;
        async Task RejoinAsync()
        {
            if (Interlocked.Exchange(ref rejoined, 1) == 0)
            {
                Assert.Equal("joined", (await back.JoinAsync(roomId)).GetProperty("status").GetString());
            }
        }

        var options = new DbContextOptionsBuilder<PostgresParleyDbContext>(sweeper.Services.GetRequiredService<DbContextOptions<PostgresParleyDbContext>>())
            .AddInterceptors(new AfterRowDelete(RejoinAsync))
            .Options;
        await using (var scope = sweeper.Services.CreateAsyncScope())
        await using (var db = new PostgresParleyDbContext(options))
        {
            await ActivatorUtilities.CreateInstance<DeadNodeSweep>(scope.ServiceProvider, db).RunAsync(CancellationToken.None);
        }

        await RejoinAsync();
        await Eventually.HoldsAsync(
            async () => await holder.QueryAsync(db => db.RoomUsers.CountAsync(ru => ru.NodeId == "dead-node")) == 0, "the dead node's row is gone");
        // A join after everything above, on the room's node: whatever the room heard before it has arrived.
        await using var lateClient = await holder.ConnectAsync(late);
        Assert.Equal("joined", (await lateClient.JoinAsync(roomId)).GetProperty("status").GetString());
        await Eventually.HoldsAsync(() => Task.FromResult(heard.Contains($"userJoined:{late.UserId}")), "the host heard the late join");

        var aboutGuest = heard.Where(e => e.EndsWith(":" + guest.UserId, StringComparison.Ordinal)).ToList();
        Assert.True(aboutGuest.Count == 0 || aboutGuest[^1].StartsWith("userJoined:", StringComparison.Ordinal), $"The host heard, in order: {string.Join(", ", aboutGuest)}");
        Assert.Equal(["b-holder"], await holder.QueryAsync(db => db.RoomUsers.Where(ru => ru.RoomId == roomId && ru.UserId == guest.UserId).Select(ru => ru.NodeId).ToListAsync()));
    }

    /// <summary>Runs <paramref name="action"/> just after a command that deletes from <c>room_user</c>.</summary>
    private sealed class AfterRowDelete(Func<Task> action) : DbCommandInterceptor
    {
        public override async ValueTask<int> NonQueryExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("DELETE", StringComparison.Ordinal) && command.CommandText.Contains("room_user", StringComparison.Ordinal) && result > 0)
            {
                await action();
            }

            return result;
        }
    }
}
