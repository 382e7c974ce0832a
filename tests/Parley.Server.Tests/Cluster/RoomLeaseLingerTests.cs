using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Cluster;
using Parley.Server.Tests.Hubs;
using StackExchange.Redis;

namespace Parley.Server.Tests.Cluster;

/// <summary>
/// An emptied room keeps its lease for a while (<see cref="RoomLeases.EmptyLinger"/>) so that people coming straight
/// back find it on the same node. The linger must count from the room's last use, not from the last heartbeat that
/// happened to find someone in it: a room people keep joining and leaving between heartbeats is in use.
/// </summary>
public sealed class RoomLeaseLingerTests : IAsyncLifetime
{
    private readonly ClusterNodes _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_room_joined_and_left_between_heartbeats_keeps_its_lease_and_its_joins_are_not_redirected()
    {
        // a-node would win a new placement (equal people, fewer rooms, then the id): a room re-placed is redirected.
        var a = _cluster.Start("a-node");
        var b = _cluster.Start("b-node");
        await ClusterNodes.WaitForNodesAsync(a, a, b);
        var owner = await b.RegisterAsync("Owner");
        var roomId = await b.CreateRoomAsync(owner);
        var directory = ClusterNodes.Directory(b);
        Assert.True(await directory.TryPlaceAsync(roomId, "b-node"));

        await using var client = await b.ConnectAsync(owner);
        Assert.Equal("joined", (await client.JoinAsync(roomId)).GetProperty("status").GetString());
        // Two of b-node's heartbeats see the owner in the room (its lease is then one of a room that had people).
        await WaitForHeartbeatsAsync(b, 2);
        await client.InvokeAsync("leaveRoom", new { });

        // Then in and out again and again, each time gone before b-node's next heartbeat, for longer than the linger.
        var lastSeen = DateTime.UtcNow;
        while (DateTime.UtcNow - lastSeen < RoomLeases.EmptyLinger + TimeSpan.FromSeconds(1.5))
        {
            await WaitForHeartbeatsAsync(b, 1);
            var answer = await client.JoinAsync(roomId);
            Assert.Equal("joined", answer.GetProperty("status").GetString());
            await client.InvokeAsync("leaveRoom", new { });
        }

        await WaitForHeartbeatsAsync(b, 1);
        Assert.Equal("b-node", await directory.LeaseHolderAsync(roomId));
    }

    /// <summary>Waits until the node has written its heartbeat <paramref name="count"/> more times (its key's expiry renewed).</summary>
    private async Task WaitForHeartbeatsAsync(HubServer node, int count)
    {
        var redis = node.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var key = new RedisKey($"{_cluster.Prefix}:node:{node.Services.GetRequiredService<NodeIdentity>().Id}");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var last = await redis.KeyTimeToLiveAsync(key);
        for (var seen = 0; seen < count;)
        {
            Assert.True(DateTime.UtcNow < deadline, "The node did not beat");
            await Task.Delay(10);
            var now = await redis.KeyTimeToLiveAsync(key);
            if (now > last)
            {
                seen++;
            }

            last = now;
        }
    }
}
