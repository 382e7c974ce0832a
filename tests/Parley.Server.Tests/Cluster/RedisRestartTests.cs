using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Membership;
using Parley.Server.Tests.Hubs;

namespace Parley.Server.Tests.Cluster;

/// <summary>
/// Redis stopped and started again on the same port (every key lost) while two nodes hold meetings: the nodes
/// report not ready while it is away, then re-write their heartbeats and leases, the backplane reconnects, nobody
/// in a meeting is dropped (no node takes the others for dead while their heartbeats are being re-written), and a
/// new join across nodes works.
/// </summary>
public sealed class RedisRestartTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private RestartableRedis _redis = null!;
    private ClusterNodes _cluster = null!;

    public async Task InitializeAsync()
    {
        _redis = await RestartableRedis.StartAsync();
        _cluster = new ClusterNodes(_redis.ConnectionString);
        await _cluster.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Meetings_survive_a_redis_restart_and_the_nodes_come_back()
    {
        // Equal load is settled by the id: the first room goes to "a-node", the second to the then idler "b-node".
        var a = _cluster.Start("a-node");
        var b = _cluster.Start("b-node");
        await ClusterNodes.WaitForNodesAsync(a, a, b);
        var owner = await a.RegisterAsync("Owner");
        var atA = await a.CreateRoomAsync(owner);
        var atB = await a.CreateRoomAsync(owner);
        var (guest, other, late) = (await a.GuestAsync("Guest"), await a.GuestAsync("Other"), await a.GuestAsync("Late"));
        await using var host = await a.ConnectAsync(owner);
        Assert.Equal("joined", (await host.JoinAsync(atA)).GetProperty("status").GetString());
        await using var visitor = await a.ConnectAsync(guest);
        Assert.Equal("joined", (await visitor.JoinAsync(atA)).GetProperty("status").GetString());
        await host.NextAsync("userJoined");
        await using var atBClient = await b.ConnectAsync(other);
        Assert.Equal("joined", (await atBClient.JoinAsync(atB)).GetProperty("status").GetString());
        var rowsA = await a.RoomRowsAsync(atA);
        var rowsB = await b.RoomRowsAsync(atB);

        await _redis.StopAsync();
        await WaitForReadyAsync(a, HttpStatusCode.ServiceUnavailable);
        await WaitForReadyAsync(b, HttpStatusCode.ServiceUnavailable);

        await _redis.StartAgainAsync();
        await WaitForReadyAsync(a, HttpStatusCode.OK);
        await WaitForReadyAsync(b, HttpStatusCode.OK);
        await ClusterNodes.WaitForNodesAsync(b, a, b);
        await WaitForLeaseAsync(a, atA, "a-node");
        await WaitForLeaseAsync(a, atB, "b-node");

        // A new join at the wrong node is sent to the room's node, and its arrival reaches the meeting there.
        await using var lateAtA = await a.ConnectAsync(late);
        var redirect = await lateAtA.JoinAsync(atB);
        Assert.Equal(b.BaseAddress.ToString().TrimEnd('/'), redirect.GetProperty("url").GetString());
        await using var lateAtB = await b.ConnectAsync(late);
        Assert.Equal("joined", (await lateAtB.JoinAsync(atB)).GetProperty("status").GetString());
        Assert.Equal(late.UserId, (await atBClient.NextAsync("userJoined")).GetProperty("userId").GetString());

        // The backplane is back: what node B sends to room A's group reaches the host on node A.
        await b.Services.GetRequiredService<RoomEvents>().UserLeftAsync(atA, "someone", LeftReason.Disconnected);
        Assert.Equal("someone", (await host.NextAsync("userLeft")).GetProperty("userId").GetString());

        // Nobody was dropped: the rows stand, and the only leave the host heard is the one sent above.
        Assert.False(host.TryTake("userLeft", out var dropped), $"unexpected userLeft {dropped}");
        Assert.False(atBClient.TryTake("userLeft", out dropped), $"unexpected userLeft {dropped}");
        Assert.Equal(rowsA, await a.RoomRowsAsync(atA));
        var nowB = await b.RoomRowsAsync(atB);
        Assert.Equal(rowsB, nowB.Where(r => !r.StartsWith(late.UserId + ":", StringComparison.Ordinal)));
        Assert.Equal(rowsB.Count + 1, nowB.Count);
        Assert.Equal(2, await a.QueryAsync(db => db.RoomUsers.CountAsync(r => r.RoomId == atA && r.NodeId == "a-node")));
    }

    private static async Task WaitForReadyAsync(HubServer node, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            using var ready = await node.Http.GetAsync("/health/ready");
            if (ready.StatusCode == expected)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"/health/ready at {node.BaseAddress} stayed {ready.StatusCode}, waiting for {expected}");
            await Task.Delay(100);
        }
    }

    private static async Task WaitForLeaseAsync(HubServer observer, string roomId, string nodeId)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (await ClusterNodes.Directory(observer).LeaseHolderAsync(roomId) != nodeId)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The lease of {roomId} was not re-written by {nodeId}");
            await Task.Delay(50);
        }
    }
}
