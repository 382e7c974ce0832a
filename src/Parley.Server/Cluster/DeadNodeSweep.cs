using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Server.Membership;

namespace Parley.Server.Cluster;

/// <summary>
/// Deletes the <c>room_user</c> rows of nodes whose heartbeat expired and tells their rooms (<c>userLeft</c>, reason
/// "disconnected", through the backplane to wherever the room now lives). Every live node runs it; each row is
/// deleted by one statement that names the dead node, so exactly one node announces each leave, and a row the
/// person already took back by rejoining elsewhere (it names the new node) is left alone. Each row is deleted and
/// announced under its room's lock, like any leave: a rejoin on this node either takes the row first (nothing is
/// deleted) or comes after the leave was announced, never between (the room would hear "left" after "joined").
/// </summary>
internal sealed class DeadNodeSweep(
    ParleyDbContext db, ClusterDirectory directory, NodeIdentity node, RoomLocks locks, RoomEvents events, IRoomActivitySink activity, ILogger<DeadNodeSweep> logger)
{
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
                using (await locks.AcquireAsync(row.RoomId))
                {
                    var deleted = await db.RoomUsers
                        .Where(ru => ru.RoomId == row.RoomId && ru.UserId == row.UserId && ru.NodeId == nodeId)
                        .ExecuteDeleteAsync(cancellationToken);
                    if (deleted == 0)
                    {
                        continue;
                    }

                    cleaned++;
                    await events.UserLeftAsync(row.RoomId, row.UserId, LeftReason.Disconnected);
                    await activity.RecordAsync([new ParticipantLeft(row.RoomId, row.UserId, LeftReason.Disconnected)]);
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
