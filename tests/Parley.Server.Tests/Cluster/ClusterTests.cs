using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data.Entities;
using Parley.Server.Hubs;
using Parley.Server.Membership;
using Parley.Server.Tests.Hubs;

namespace Parley.Server.Tests.Cluster;

/// <summary>
/// Several nodes on one real PostgreSQL and one real Redis: rooms placed on the least-loaded node, <c>joinRoom</c>
/// redirects, the backplane, changes over HTTP reaching the room's node, and each node's <c>room_user</c> rows.
/// </summary>
public sealed class ClusterTests : IAsyncLifetime
{
    private readonly ClusterNodes _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task An_idle_room_goes_to_the_least_loaded_node_and_a_join_elsewhere_is_redirected_there()
    {
        // Equal load is settled by the id, so the first room goes to "a-…" and makes it the busier node.
        var a = _cluster.Start("a-node");
        var b = _cluster.Start("b-node");
        await ClusterNodes.WaitForNodesAsync(a, a, b);
        var owner = await a.RegisterAsync("Owner");
        var first = await a.CreateRoomAsync(owner);
        var second = await a.CreateRoomAsync(owner);

        await using var host = await a.ConnectAsync(owner);
        Assert.Equal("joined", (await host.JoinAsync(first)).GetProperty("status").GetString());

        var guest = await a.GuestAsync("Guest");
        await using var atA = await a.ConnectAsync(guest);
        var redirect = await atA.JoinAsync(second);
        Assert.Equal("redirect", redirect.GetProperty("status").GetString());
        Assert.Equal(b.BaseAddress.ToString().TrimEnd('/'), redirect.GetProperty("url").GetString());

        // The same access token works on the other node, which takes the join.
        await using var atB = await b.ConnectAsync(guest);
        var joined = await atB.JoinAsync(second);
        Assert.Equal("joined", joined.GetProperty("status").GetString());
        // And a join of the first room at B is sent to A, where it lives.
        await using var ownerAtB = await b.ConnectAsync(owner);
        var back = await ownerAtB.JoinAsync(first);
        Assert.Equal(a.BaseAddress.ToString().TrimEnd('/'), back.GetProperty("url").GetString());
        Assert.Equal("b-node", (await b.QueryAsync(db => db.RoomUsers.Where(r => r.RoomId == second).Select(r => r.NodeId).SingleAsync())));
        Assert.Equal("a-node", (await a.QueryAsync(db => db.RoomUsers.Where(r => r.RoomId == first).Select(r => r.NodeId).SingleAsync())));
    }

    [Fact]
    public async Task A_room_taken_by_a_node_counts_in_its_load_before_its_next_heartbeat()
    {
        // Slow heartbeats: without the immediate refresh, b-node would still see a-node idle and send the second
        // room there too.
        var slow = new Dictionary<string, string> { ["Node:HeartbeatInterval"] = "00:00:03", ["Node:HeartbeatTimeout"] = "00:00:20" };
        var a = _cluster.Start("a-node", slow);
        var b = _cluster.Start("b-node", slow);
        await ClusterNodes.WaitForNodesAsync(a, a, b);
        var owner = await a.RegisterAsync("Owner");
        var (first, second) = (await a.CreateRoomAsync(owner), await a.CreateRoomAsync(owner));

        await using var atA = await a.ConnectAsync(owner);
        Assert.Equal("joined", (await atA.JoinAsync(first)).GetProperty("status").GetString());
        Assert.Equal(1, (await ClusterNodes.Directory(b).FindNodeAsync("a-node"))!.Rooms);

        await using var atB = await b.ConnectAsync(owner);
        Assert.Equal("joined", (await atB.JoinAsync(second)).GetProperty("status").GetString());
        Assert.Equal("b-node", await ClusterNodes.Directory(b).LeaseHolderAsync(second));
    }

    [Fact]
    public async Task Three_nodes_take_one_new_room_each_whichever_node_the_joins_arrive_at()
    {
        var nodes = new[] { _cluster.Start("a-node"), _cluster.Start("b-node"), _cluster.Start("c-node") };
        await ClusterNodes.WaitForNodesAsync(nodes[0], nodes);
        var owner = await nodes[0].RegisterAsync("Owner");
        var clients = new List<HubClient>();
        try
        {
            var holders = new List<string>();
            for (var i = 0; i < nodes.Length; i++)
            {
                // Every join arrives at c-node first; each room goes to the least-loaded node of the moment.
                var roomId = await nodes[0].CreateRoomAsync(owner);
                var guest = await nodes[0].GuestAsync($"Guest {i}");
                clients.Add(await nodes[2].ConnectAsync(guest));
                var answer = await clients[^1].JoinAsync(roomId);
                if (answer.GetProperty("status").GetString() == "redirect")
                {
                    var target = nodes.Single(n => n.BaseAddress.ToString().TrimEnd('/') == answer.GetProperty("url").GetString());
                    clients.Add(await target.ConnectAsync(guest));
                    Assert.Equal("joined", (await clients[^1].JoinAsync(roomId)).GetProperty("status").GetString());
                }

                var holder = (await ClusterNodes.Directory(nodes[2]).LeaseHolderAsync(roomId))!;
                holders.Add(holder);
                await WaitForParticipantsInRegistryAsync(nodes[2], holder, 1);
            }

            Assert.Equal(["a-node", "b-node", "c-node"], holders.Order());
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task When_one_of_three_nodes_stops_beating_only_its_rooms_move()
    {
        var a = _cluster.Start("a-node");
        var b = _cluster.Start("b-node");
        await ClusterNodes.WaitForNodesAsync(a, a, b);
        var owner = await a.RegisterAsync("Owner");
        var (atA, atB, atDying) = (await a.CreateRoomAsync(owner), await a.CreateRoomAsync(owner), await a.CreateRoomAsync(owner));
        await using var hostA = await a.ConnectAsync(owner);
        Assert.Equal("joined", (await hostA.JoinAsync(atA)).GetProperty("status").GetString());
        await using var hostB = await b.ConnectAsync(owner);
        Assert.Equal("joined", (await hostB.JoinAsync(atB)).GetProperty("status").GetString());
        // The third node holds a room and then stops beating (as if killed): it lives 1.5 s in the registry.
        var directory = ClusterNodes.Directory(a);
        await _cluster.PretendNodeAsync("dying-node", TimeSpan.FromSeconds(1.5));
        Assert.True(await directory.TryPlaceAsync(atDying, "dying-node"));
        var guest = await a.GuestAsync("Guest");
        await using var early = await a.ConnectAsync(guest);
        Assert.Equal("http://127.0.0.1:9", (await early.JoinAsync(atDying)).GetProperty("url").GetString());

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (await directory.IsLiveAsync("dying-node"))
        {
            Assert.True(DateTime.UtcNow < deadline, "dying-node's heartbeat did not expire");
            await Task.Delay(50);
        }

        // A join of the dead node's room places it on a live node (equal load: a-node, where the join arrived).
        await using var late = await a.ConnectAsync(guest);
        Assert.Equal("joined", (await late.JoinAsync(atDying)).GetProperty("status").GetString());
        Assert.Equal("a-node", await directory.LeaseHolderAsync(atDying));
        Assert.Equal("a-node", await directory.LeaseHolderAsync(atA));
        Assert.Equal("b-node", await directory.LeaseHolderAsync(atB));
    }

    [Fact]
    public async Task A_room_whose_lease_another_node_took_is_not_joined_here_once_the_next_heartbeat_finds_it_lost()
    {
        var (holder, other, _, roomId, host) = await MeetingOnTheHolderAsync();
        await using var _ = host;
        // b-other takes the lease as if it had counted a-holder dead; a-holder answers joins of a room it holds from
        // memory, which its next renewal must correct.
        Assert.True(await ClusterNodes.Directory(other).TakeOverAsync(roomId, "a-holder", "b-other"));

        var guest = await holder.GuestAsync("Guest");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            await using var client = await holder.ConnectAsync(guest);
            var answer = await client.JoinAsync(roomId);
            if (answer.GetProperty("status").GetString() == "redirect")
            {
                Assert.Equal(other.BaseAddress.ToString().TrimEnd('/'), answer.GetProperty("url").GetString());
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "a-holder still takes joins of a room b-other holds");
            await client.InvokeAsync("leaveRoom", new { });
        }
    }

    [Fact]
    public async Task The_backplane_delivers_an_event_sent_on_one_node_to_a_client_on_another()
    {
        var (holder, other, _, roomId, host) = await MeetingOnTheHolderAsync();
        await using var _ = host;

        // The other node has nobody in the room; what it sends to the room's group reaches the host through Redis.
        await other.Services.GetRequiredService<RoomEvents>().UserLeftAsync(roomId, "someone", LeftReason.Disconnected);
        var left = await host.NextAsync("userLeft");
        Assert.Equal("someone", left.GetProperty("userId").GetString());
        Assert.False(holder.Services.GetRequiredService<ConnectionRegistry>().IsVacant(roomId));
    }

    [Fact]
    public async Task A_room_deleted_over_http_on_one_node_closes_the_meeting_on_the_node_that_holds_it()
    {
        var (holder, other, owner, roomId, host) = await MeetingOnTheHolderAsync();
        await using var _ = host;

        await other.DeleteRoomAsync(owner, roomId);

        Assert.Equal(roomId, (await host.NextAsync("roomClosed")).GetProperty("roomId").GetString());
        await holder.WaitForVacantAsync(roomId);
    }

    [Fact]
    public async Task A_node_starting_deletes_only_its_own_rows()
    {
        var seed = _cluster.Start("seed-node");
        var owner = await seed.RegisterAsync("Owner");
        var roomId = await seed.CreateRoomAsync(owner);
        var other = await seed.GuestAsync("Other");
        // "live-node" is alive for the whole test (not running, but its heartbeat stands), so nobody sweeps its row.
        await _cluster.PretendNodeAsync("live-node", TimeSpan.FromMinutes(5));
        await seed.QueryAsync(async db =>
        {
            var now = DateTime.UtcNow;
            db.RoomUsers.Add(new RoomUser { RoomId = roomId, UserId = owner.UserId, NodeId = "restarting-node", CreatedAt = now, UpdatedAt = now });
            db.RoomUsers.Add(new RoomUser { RoomId = roomId, UserId = other.UserId, NodeId = "live-node", CreatedAt = now, UpdatedAt = now });
            return await db.SaveChangesAsync();
        });

        var restarted = _cluster.Start("restarting-node");
        await ClusterNodes.WaitForNodesAsync(restarted, restarted);

        var rows = await restarted.QueryAsync(db => db.RoomUsers.AsNoTracking().Select(r => r.UserId + "@" + r.NodeId).ToListAsync());
        Assert.Equal([other.UserId + "@live-node"], rows);
    }

    [Fact]
    public async Task The_rows_of_a_node_whose_heartbeat_expires_are_deleted_and_the_room_told_they_disconnected()
    {
        var a = _cluster.Start("a-node");
        await ClusterNodes.WaitForNodesAsync(a, a);
        var owner = await a.RegisterAsync("Owner");
        var roomId = await a.CreateRoomAsync(owner);
        var guest = await a.GuestAsync("Guest");
        await using var host = await a.ConnectAsync(owner);
        Assert.Equal("joined", (await host.JoinAsync(roomId)).GetProperty("status").GetString());
        // The guest was in the meeting through a node that stops beating in 1.5 s (as if killed).
        await _cluster.PretendNodeAsync("dying-node", TimeSpan.FromSeconds(1.5));
        await a.QueryAsync(async db =>
        {
            var now = DateTime.UtcNow;
            db.RoomUsers.Add(new RoomUser { RoomId = roomId, UserId = guest.UserId, NodeId = "dying-node", CreatedAt = now, UpdatedAt = now });
            return await db.SaveChangesAsync();
        });
        Assert.Contains(guest.UserId, await a.QueryAsync(db => db.RoomUsers.Where(r => r.RoomId == roomId).Select(r => r.UserId).ToListAsync()));

        var left = await host.NextAsync("userLeft");
        Assert.Equal(guest.UserId, left.GetProperty("userId").GetString());
        Assert.Equal("disconnected", left.GetProperty("reason").GetString());
        await a.WaitForRowsAsync(roomId, [$"{owner.UserId}:host:False:False:False"]);
    }

    [Fact]
    public async Task A_join_the_hub_would_refuse_is_refused_the_same_way_and_places_nothing()
    {
        var a = _cluster.Start("a-node");
        await ClusterNodes.WaitForNodesAsync(a, a);
        var guest = await a.GuestAsync("Guest");
        await using var client = await a.ConnectAsync(guest);
        var tooLong = new string('x', 5000);

        var reason = await client.RefusedAsync("joinRoom", new { roomId = tooLong });

        Assert.StartsWith("joinRoom: roomId", reason);
        Assert.Null(await ClusterNodes.Directory(a).LeaseHolderAsync(tooLong));
    }

    [Fact]
    public async Task Ready_is_503_while_redis_cannot_be_reached()
    {
        var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var node = _cluster.Start("lonely-node", new Dictionary<string, string> { ["ConnectionStrings:Redis"] = $"127.0.0.1:{port},connectTimeout=500" });

        using var ready = await node.Http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var checks = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
        Assert.Equal("Unhealthy", checks.GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("database").GetProperty("status").GetString());
    }

    /// <summary>Waits until the node's heartbeat, as another node reads it, counts this many people.</summary>
    private static async Task WaitForParticipantsInRegistryAsync(HubServer observer, string nodeId, int participants)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await ClusterNodes.Directory(observer).FindNodeAsync(nodeId))?.Participants != participants)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{nodeId}'s heartbeat never counted {participants} participant(s)");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Two nodes, a room made over HTTP on "b-other" and its owner joined on "a-holder", which takes the room (equal
    /// load is settled by the id).
    /// </summary>
    private async Task<(HubServer Holder, HubServer Other, TestUser Owner, string RoomId, HubClient Host)> MeetingOnTheHolderAsync()
    {
        var holder = _cluster.Start("a-holder");
        var other = _cluster.Start("b-other");
        await ClusterNodes.WaitForNodesAsync(holder, holder, other);
        var owner = await other.RegisterAsync("Owner");
        var roomId = await other.CreateRoomAsync(owner);
        var host = await holder.ConnectAsync(owner);
        Assert.Equal("joined", (await host.JoinAsync(roomId)).GetProperty("status").GetString());
        return (holder, other, owner, roomId, host);
    }
}
