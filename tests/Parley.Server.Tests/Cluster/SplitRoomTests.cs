using System.Text.Json;
using Parley.Server.Tests.Hubs;

namespace Parley.Server.Tests.Cluster;

/// <summary>
/// A split meeting heals by itself: when another node took the lease of a room this node still has people in (this
/// node was thought dead for a moment and a join placed the room there), this node's people in that room, and only
/// they, are told <c>serverShuttingDown</c>; their rejoin is redirected to the holder, so the meeting is whole again.
/// </summary>
public sealed class SplitRoomTests : IAsyncLifetime
{
    private readonly ClusterNodes _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task People_left_on_a_node_that_lost_their_rooms_lease_are_moved_to_the_holder_and_nobody_else_is()
    {
        var a = _cluster.Start("a-node");
        var b = _cluster.Start("b-node");
        await ClusterNodes.WaitForNodesAsync(a, a, b);
        var directory = ClusterNodes.Directory(a);
        var owner = await a.RegisterAsync("Owner");
        var (split, other) = (await a.CreateRoomAsync(owner), await a.CreateRoomAsync(owner));
        Assert.True(await directory.TryPlaceAsync(split, "a-node"));
        Assert.True(await directory.TryPlaceAsync(other, "a-node"));
        await using var host = await a.ConnectAsync(owner);
        Assert.Equal("joined", Status(await host.JoinAsync(split)));
        var guestAtA = await a.GuestAsync("Guest at a");
        await using var guestAtAClient = await a.ConnectAsync(guestAtA);
        Assert.Equal("joined", Status(await guestAtAClient.JoinAsync(split)));
        await using var bystander = await a.ConnectAsync(await a.GuestAsync("Bystander"));
        Assert.Equal("joined", Status(await bystander.JoinAsync(other)));

        // b-node takes the room as it would take a dead node's, and a late-comer joins it there: the meeting is split.
        Assert.True(await directory.TakeOverAsync(split, "a-node", "b-node"));
        var guestAtB = await b.GuestAsync("Guest at b");
        await using var guestAtBClient = await b.ConnectAsync(guestAtB);
        Assert.Equal("joined", Status(await guestAtBClient.JoinAsync(split)));

        // a-node's people in that room are told to reconnect; rejoining through a-node is sent to b-node.
        await host.NextAsync("serverShuttingDown");
        await guestAtAClient.NextAsync("serverShuttingDown");
        Assert.Equal(b.BaseAddress.ToString().TrimEnd('/'), (await host.JoinAsync(split)).GetProperty("url").GetString());
        await using var hostAtB = await b.ConnectAsync(owner);
        Assert.Equal("joined", Status(await hostAtB.JoinAsync(split)));

        // Everyone is at b-node: the rows are the host's (rejoined there) and b-node's guest's, whose row a-node left
        // alone; a-node's guest, who has not rejoined, has none.
        Assert.Equal("b-node", await directory.LeaseHolderAsync(split));
        Assert.Equal(
            new[] { owner.UserId, guestAtB.UserId }.Order(StringComparer.Ordinal),
            (await b.RoomRowsAsync(split)).Select(row => row.Split(':')[0]).Order(StringComparer.Ordinal));

        // The other room on a-node goes on, its person not asked to move.
        Assert.Equal("a-node", await directory.LeaseHolderAsync(other));
        Assert.False(bystander.TryTake("serverShuttingDown", out _));
        Assert.Single(await a.RoomRowsAsync(other));
    }

    private static string? Status(JsonElement answer) => answer.GetProperty("status").GetString();
}
