using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Parley.Data.Entities;
using Parley.Server.Cluster;
using Parley.Server.Membership;
using Parley.Server.Tests.Hubs;

namespace Parley.Server.Tests.Cluster;

/// <summary>
/// A person whose node died rejoins on a live node while that node's sweep deletes the dead node's rows: the sweep's
/// delete may land between the join reading the person's row and writing it back. The join must still succeed, with
/// one row that names the live node, and the sweep must never delete a row the live node has taken.
/// </summary>
public sealed class DeadNodeRowRaceTests : IAsyncLifetime
{
    private readonly ClusterNodes _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_rejoin_keeps_its_place_when_the_dead_nodes_row_is_deleted_while_it_is_being_taken_over()
    {
        var live = _cluster.Start("live-node");
        var owner = await live.RegisterAsync("Owner");
        var roomId = await live.CreateRoomAsync(owner);
        // "leaving-node" stays in the registry for the test, so only the test deletes its row, at the worst moment.
        await _cluster.PretendNodeAsync("leaving-node", TimeSpan.FromMinutes(5));
        await live.QueryAsync(db =>
        {
            var now = DateTime.UtcNow;
            db.RoomUsers.Add(new RoomUser
            {
                RoomId = roomId, UserId = owner.UserId, Role = RoomRoles.Host, NodeId = "leaving-node", IsMicActive = true, CreatedAt = now, UpdatedAt = now,
            });
            return db.SaveChangesAsync();
        });

        // The sweep's statement (rows still naming the dead node), run just before the join writes the row.
        var sweep = new BeforeFirstRowUpdate(() => live.QueryAsync(db =>
            db.RoomUsers.Where(ru => ru.RoomId == roomId && ru.UserId == owner.UserId && ru.NodeId == "leaving-node").ExecuteDeleteAsync()));
        var options = new DbContextOptionsBuilder<PostgresParleyDbContext>(live.Services.GetRequiredService<DbContextOptions<PostgresParleyDbContext>>())
            .AddInterceptors(sweep)
            .Options;
        await using (var db = new PostgresParleyDbContext(options))
        {
            var store = new EfMembershipStore(db, TimeProvider.System, live.Services.GetRequiredService<NodeIdentity>());
            await store.UpsertMemberAsync(roomId, owner.UserId, RoomRoles.Host, CancellationToken.None);
        }

        Assert.Equal(1, sweep.Deleted);
        var rows = await live.QueryAsync(db => db.RoomUsers.AsNoTracking().Where(ru => ru.RoomId == roomId).ToListAsync());
        var row = Assert.Single(rows);
        Assert.Equal((owner.UserId, "live-node", RoomRoles.Host, false), (row.UserId, row.NodeId, row.Role, row.IsMicActive));
    }

    [Fact]
    public async Task The_sweep_of_a_dead_node_leaves_a_row_a_rejoin_on_a_live_node_took_over()
    {
        var live = _cluster.Start("live-node");
        var owner = await live.RegisterAsync("Owner");
        var guest = await live.GuestAsync("Guest");
        var roomId = await live.CreateRoomAsync(owner);
        // Both were on "dying-node", which is about to stop beating.
        await _cluster.PretendNodeAsync("dying-node", TimeSpan.FromSeconds(3));
        await live.QueryAsync(db =>
        {
            var now = DateTime.UtcNow;
            db.RoomUsers.AddRange(
                new RoomUser { RoomId = roomId, UserId = owner.UserId, Role = RoomRoles.Host, NodeId = "dying-node", CreatedAt = now, UpdatedAt = now },
                new RoomUser { RoomId = roomId, UserId = guest.UserId, Role = RoomRoles.Participant, NodeId = "dying-node", CreatedAt = now, UpdatedAt = now });
            return db.SaveChangesAsync();
        });
        Assert.True(await ClusterNodes.Directory(live).TryPlaceAsync(roomId, "live-node"));

        // The owner comes back on the live node before the dying node's heartbeat expires.
        await using var host = await live.ConnectAsync(owner);
        Assert.Equal("joined", (await host.JoinAsync(roomId)).GetProperty("status").GetString());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (await ClusterNodes.Directory(live).IsLiveAsync("dying-node"))
        {
            Assert.True(DateTime.UtcNow < deadline, "dying-node's heartbeat did not expire");
            await Task.Delay(50);
        }

        // The guest's row (still naming the dead node) goes and the room is told; the owner's row stays, on the live node.
        await live.WaitForRowsAsync(roomId, [$"{owner.UserId}:{RoomRoles.Host}:False:False:False"]);
        var left = await host.NextAsync("userLeft");
        Assert.Equal(guest.UserId, left.GetProperty("userId").GetString());
        await using (var scope = live.Services.CreateAsyncScope())
        {
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<DeadNodeSweep>().RunAsync(CancellationToken.None));
        }

        Assert.Equal(["live-node"], await live.QueryAsync(db => db.RoomUsers.Where(ru => ru.RoomId == roomId).Select(ru => ru.NodeId).ToListAsync()));
    }

    /// <summary>Runs <paramref name="action"/> once, just before the first command that updates <c>room_user</c>.</summary>
    private sealed class BeforeFirstRowUpdate(Func<Task<int>> action) : DbCommandInterceptor
    {
        private int _fired;

        public int Deleted { get; private set; }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            await RunOnceBeforeUpdateAsync(command);
            return result;
        }

        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            await RunOnceBeforeUpdateAsync(command);
            return result;
        }

        private async Task RunOnceBeforeUpdateAsync(DbCommand command)
        {
            if (command.CommandText.Contains("UPDATE", StringComparison.Ordinal) && command.CommandText.Contains("room_user", StringComparison.Ordinal)
                && Interlocked.Exchange(ref _fired, 1) == 0)
            {
                Deleted = await action();
            }
        }
    }
}
