using Parley.Server.Tests.Hubs;

namespace Parley.Server.Tests.Cluster;

/// <summary>
/// The reconnect grace on a cluster node (the SignalR Redis backplane): when the grace of a lost connection ends, the
/// room hears <c>userLeft</c> then, not after the backplane's 30 s wait for a node to ungroup a connection none has.
/// </summary>
public sealed class ClusterReconnectGraceTests : IAsyncLifetime
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);
    private readonly ClusterNodes _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_lost_connection_leaves_when_its_grace_ends()
    {
        var node = _cluster.Start("grace-node", new Dictionary<string, string> { ["Membership:ReconnectGrace"] = Grace.ToString() });
        await ClusterNodes.WaitForNodesAsync(node, node);
        var (roomId, host, visitor, guest) = await node.TwoInARoomAsync();
        await using var hostClient = host;

        await visitor.Connection.StopAsync();
        await visitor.DisposeAsync();
        Assert.False((await host.NextAsync("userConnectionChanged")).GetProperty("connected").GetBoolean());

        // Well under the backplane's 30 s: the leave at the end of the grace does not wait for it.
        var left = await host.NextAsync("userLeft", Grace + TimeSpan.FromSeconds(15));
        Assert.Equal(guest.UserId, left.GetProperty("userId").GetString());
        Assert.DoesNotContain(guest.UserId, string.Join(' ', await node.RoomRowsAsync(roomId)));
    }
}
