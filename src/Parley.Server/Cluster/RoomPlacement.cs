using Microsoft.AspNetCore.SignalR;
using Parley.Server.Membership;
using StackExchange.Redis;

namespace Parley.Server.Cluster;

/// <summary>
/// Where a room lives: the node holding its lease while that node is alive, otherwise (an idle room, or its node
/// died) the least-loaded live node that takes rooms (not stopping, not draining), which then gets the lease.
/// Answers null when the room lives here.
/// </summary>
internal sealed class RoomPlacement(
    ClusterDirectory directory,
    RoomLeases leases,
    NodeIdentity node,
    ConnectionRegistry registry,
    NodeDrain drain,
    IHostApplicationLifetime lifetime,
    ILogger<RoomPlacement> logger)
{
    // Nodes racing for one room settle it in a round or two; more means something is wrong.
    private const int MaxAttempts = 4;

    /// <returns>The base URL of the node that holds the room, or null when it is this one.</returns>
    /// <remarks>
    /// A room held here is answered from <see cref="RoomLeases.IsHeldHere"/> without Redis; otherwise one round trip
    /// says where the room is, and placing it costs one more (which also publishes this node's load when the room
    /// comes here).
    /// </remarks>
    public async Task<string?> LocateAsync(string roomId) => (await FindNodeAsync(roomId))?.PublicUrl;

    /// <summary>
    /// The node the room lives on, placing it as a join would when no live node holds it: null when that is this one.
    /// Whoever changes a room's membership from outside a join (the dead-node sweep) does it there, under the room's
    /// lock, in order with that node's joins.
    /// </summary>
    public async Task<NodeRecord?> FindNodeAsync(string roomId)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (leases.IsHeldHere(roomId))
            {
                return null;
            }

            var location = await directory.LocateAsync(roomId);
            if (location.HolderId == node.Id)
            {
                await HoldAsync(roomId);
                return null;
            }

            if (location.Holder is { } holding)
            {
                return holding;
            }

            var target = LeastLoaded(location.LiveNodes) ?? throw new HubException("No server takes new meetings right now; try again in a moment");
            var self = target.Id == node.Id ? Self(roomId) : null;
            var won = location.HolderId is null
                ? await directory.TryPlaceAsync(roomId, target.Id, self)
                : await directory.TakeOverAsync(roomId, location.HolderId, target.Id, self);
            if (!won)
            {
                continue;
            }

            ClusterLog.RoomPlaced(logger, roomId, target.Id, location.HolderId);
            if (self is not null)
            {
                leases.Hold(roomId);
                return null;
            }

            return target;
        }

        throw new HubException("The meeting is being moved between servers; try again in a moment");
    }

    /// <summary>
    /// Takes a room another node placed here and, when it is new here, publishes this node's load at once: a placement
    /// elsewhere in the next second would otherwise compare against a heartbeat that does not count it yet.
    /// </summary>
    private async Task HoldAsync(string roomId)
    {
        if (!leases.Hold(roomId))
        {
            return;
        }

        try
        {
            await directory.RefreshAsync(Self());
        }
        catch (RedisException exception)
        {
            // The next heartbeat carries the load; the join goes on.
            ClusterLog.HeartbeatFailed(logger, exception.GetType().Name, exception.Message);
        }
    }

    /// <summary>
    /// The live nodes with this one's load as it is now (its heartbeat may be a second old); a stopping or draining
    /// node takes nothing.
    /// </summary>
    private NodeRecord? LeastLoaded(IReadOnlyList<NodeRecord> live)
    {
        // A node that has not learnt its address yet (its first second) cannot be sent to.
        var nodes = live.Where(n => n.Id != node.Id && n.PublicUrl.Length > 0 && !n.Draining).ToList();
        if (!lifetime.ApplicationStopping.IsCancellationRequested && !drain.IsDraining)
        {
            nodes.Add(Self());
        }

        return nodes.Count == 0 ? null : nodes.Min(NodeRecord.ByLoad);
    }

    /// <summary>This node's heartbeat as it would be written now (counting <paramref name="arriving"/>, a room about to be held here).</summary>
    public NodeRecord Self(string? arriving = null)
    {
        var counts = registry.Count();
        var held = leases.RoomIds.Count + (arriving is null || leases.Contains(arriving) ? 0 : 1);
        return new NodeRecord(
            node.Id, node.PublicUrl, node.MediaAddress, counts.Members + counts.Waiting, Math.Max(counts.ActiveRooms, held), drain.IsDraining);
    }
}
