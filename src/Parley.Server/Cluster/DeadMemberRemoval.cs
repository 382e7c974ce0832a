using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Server.Membership;

namespace Parley.Server.Cluster;

/// <summary>
/// Deletes one <c>room_user</c> row of a dead node and tells the room (<c>userLeft</c>, reason "disconnected"), under
/// the room's lock on the node that holds the room, like any leave there: a rejoin on that node either takes the row
/// first (the delete names the dead node, so nothing is deleted) or comes after the leave was announced, never between
/// (the room would hear "left" after "joined" of someone who is there).
/// </summary>
internal sealed class DeadMemberRemoval(ParleyDbContext db, RoomLocks locks, RoomEvents events, IRoomActivitySink activity)
{
    /// <returns>True when the row was still there (this call deleted it and announced the leave).</returns>
    public async Task<bool> RemoveAsync(string roomId, string userId, string deadNodeId, CancellationToken cancellationToken)
    {
        using (await locks.AcquireAsync(roomId))
        {
            var deleted = await db.RoomUsers
                .Where(ru => ru.RoomId == roomId && ru.UserId == userId && ru.NodeId == deadNodeId)
                .ExecuteDeleteAsync(cancellationToken);
            if (deleted == 0)
            {
                return false;
            }

            await events.UserLeftAsync(roomId, userId, LeftReason.Disconnected);
            await activity.RecordAsync([new ParticipantLeft(roomId, userId, LeftReason.Disconnected)]);
            return true;
        }
    }
}
