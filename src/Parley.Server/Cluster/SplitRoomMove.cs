using System.Collections.Concurrent;
using Parley.Server.Membership;

namespace Parley.Server.Cluster;

/// <summary>
/// Heals a split meeting. When the heartbeat finds that another node took the lease of a room this node still has
/// people in (this node was thought dead for a moment and a join placed the room elsewhere), the people here are moved
/// to the holder the way a draining node moves its meetings: the room is emptied here (only this node's rows go), its
/// media closed, and its connections told <c>serverShuttingDown</c>, so that the clients reconnect, rejoin and are
/// redirected to the holder. Only that room's people move; the rest of the node carries on. It runs beside the
/// heartbeat (which must not wait for the database or the clients), once per room at a time, and is logged once.
/// </summary>
internal sealed class SplitRoomMove(IServiceScopeFactory scopes, RoomEvents events, ILogger<SplitRoomMove> logger)
{
    private readonly ConcurrentDictionary<string, byte> _moving = new(StringComparer.Ordinal);

    /// <summary>Starts moving the room's people here to <paramref name="holderId"/> unless a move of it is under way.</summary>
    public void Start(string roomId, string holderId)
    {
        if (_moving.TryAdd(roomId, 0))
        {
            _ = Task.Run(() => MoveAsync(roomId, holderId));
        }
    }

    private async Task MoveAsync(string roomId, string holderId)
    {
        ClusterLog.LeaseLost(logger, roomId, holderId);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var connections = await scope.ServiceProvider.GetRequiredService<RoomMembershipService>().SendAwayFromSplitRoomAsync(roomId);
            await events.ServerShuttingDownAsync(connections);
            ClusterLog.SplitRoomMoved(logger, roomId, holderId, connections.Count);
        }
        catch (Exception exception)
        {
            // The database or the hub failed part-way: whoever is still here is found at the next heartbeat.
            ClusterLog.SplitRoomMoveFailed(logger, roomId, exception.GetType().Name, exception.Message);
        }
        finally
        {
            _moving.TryRemove(roomId, out _);
        }
    }
}
