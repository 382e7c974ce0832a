using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Server.Cluster;

/// <summary>
/// Finds the <c>room_user</c> rows of nodes whose heartbeat expired and has each deleted, with <c>userLeft</c>
/// (reason "disconnected"), on the node that holds its room (<see cref="DeadMemberRemoval"/>): here when this node
/// holds it, else forwarded to the holder (<see cref="RoomCommand.DeadMemberSwept"/>); a room no live node holds (the
/// dead node's) is placed first, as a join would place it, so that a dead node's rooms still spread by load. Every live node runs it; the delete names the dead node, so exactly one
/// node announces each leave, and a row the person already took back by rejoining (it names the new node) is left
/// alone. Doing it on the room's node, under the room's lock there, orders it with that node's joins: a sweep on
/// another node could otherwise announce "left" just after a rejoin's "joined". A forward that is lost (the holder
/// died meanwhile) leaves the row for the next round.
/// </summary>
internal sealed class DeadNodeSweep(
    ParleyDbContext db, ClusterDirectory directory, RoomPlacement placement, NodeIdentity node, DeadMemberRemoval removal, ILogger<DeadNodeSweep> logger)
{
    /// <returns>The rows deleted here (not those forwarded to their room's node).</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var self = node.Id;
        var others = await db.RoomUsers.AsNoTracking().Where(ru => ru.NodeId != self).Select(ru => ru.NodeId).Distinct().ToListAsync(cancellationToken);
        var cleaned = 0;
        foreach (var nodeId in others)
        {
            if (await directory.IsLiveAsync(nodeId))
            {
                continue;
            }

            var rows = await db.RoomUsers.AsNoTracking().Where(ru => ru.NodeId == nodeId)
                .Select(ru => new { ru.RoomId, ru.UserId }).ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                if (await placement.FindNodeAsync(row.RoomId) is { } holder)
                {
                    await directory.PublishAsync(holder.Id, new RoomCommand(RoomCommand.DeadMemberSwept, row.RoomId, null, row.UserId, nodeId));
                    ClusterLog.CommandForwarded(logger, RoomCommand.DeadMemberSwept, row.RoomId, holder.Id);
                }
                else if (await removal.RemoveAsync(row.RoomId, row.UserId, nodeId, cancellationToken))
                {
                    cleaned++;
                }
            }

            if (rows.Count > 0)
            {
                ClusterLog.DeadNodeSwept(logger, nodeId, rows.Count);
            }
        }

        return cleaned;
    }
}
