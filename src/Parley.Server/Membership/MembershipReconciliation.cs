using Parley.Server.RoomMedia;
using Parley.Server.Telemetry;

namespace Parley.Server.Membership;

/// <summary>
/// One pass of the reconciler: makes <c>room_user</c> agree with the live state again. A row without a joined
/// connection is deleted and the room told (<c>userLeft</c>, with the reason the leave had); a row whose flags
/// differ from what the media forwards gets the media's flags (<c>userUpdated</c>). Each repair re-checks under the
/// room's lock, so it never undoes a change made meanwhile.
/// </summary>
internal sealed class MembershipReconciliation(
    IMembershipStore store,
    ConnectionRegistry registry,
    RoomLocks locks,
    IRoomMedia media,
    RoomEvents events,
    MemberFlagsSync flagsSync,
    MembershipRepairs repairs,
    ServerMetrics metrics,
    RoomActivityFanOut activity,
    ILogger<MembershipReconciliation> logger)
{
    private static readonly CancellationToken NoCancel = CancellationToken.None;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var rows = await store.ListAllMembersAsync(cancellationToken);
        var lastRowOfRoom = rows.Select((row, index) => (row.RoomId, index)).GroupBy(r => r.RoomId).ToDictionary(g => g.Key, g => g.Max(r => r.index));
        foreach (var (row, index) in rows.Select((row, index) => (row, index)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var connectionId = registry.GetMemberConnection(row.RoomId, row.UserId);
            if (connectionId is null)
            {
                await RemoveStaleAsync(row.RoomId, row.UserId, lastOfRoom: lastRowOfRoom[row.RoomId] == index);
            }
            else if (media.ForwardedFlags(new MediaPeer(row.RoomId, row.UserId, connectionId)) != row.Flags)
            {
                await SyncFlagsAsync(row.RoomId, row.UserId);
            }
        }

        repairs.RetainLeaveReasons(rows.Select(r => (r.RoomId, r.UserId)).ToHashSet());
    }

    private async Task RemoveStaleAsync(string roomId, string userId, bool lastOfRoom)
    {
        using (await locks.AcquireAsync(roomId))
        {
            if (registry.GetMemberConnection(roomId, userId) is not null
                || !await store.RemoveMemberAsync(roomId, userId, revokeAccess: false, NoCancel))
            {
                return;
            }

            var recorded = repairs.TakeLeaveReason(roomId, userId);
            var reason = recorded ?? LeftReason.Left;
            await events.UserLeftAsync(roomId, userId, reason);
            // The leave was not recorded when it happened (its row could not be deleted), so webhooks and history
            // hear of it now; a room left empty by its last stale row is a meeting that ended.
            await activity.RecordAsync(lastOfRoom && registry.GetMemberUserIds(roomId).Count == 0
                ? [new ParticipantLeft(roomId, userId, reason), new MeetingEnded(roomId, reason)]
                : [new ParticipantLeft(roomId, userId, reason)]);
            MembershipLog.StaleRowRemoved(logger, userId, roomId, reason.WireName());
            if (recorded is null)
            {
                // A recorded leave was counted when it happened; this one is news.
                metrics.Left(LeaveReason.Left);
            }
        }
    }

    private async Task SyncFlagsAsync(string roomId, string userId)
    {
        using (await locks.AcquireAsync(roomId))
        {
            if (registry.GetMemberConnection(roomId, userId) is { } connectionId)
            {
                var peer = new MediaPeer(roomId, userId, connectionId);
                if (await flagsSync.SyncAsync(peer))
                {
                    var flags = media.ForwardedFlags(peer);
                    MembershipLog.FlagsRepaired(logger, userId, roomId, flags.IsMicActive, flags.IsCamActive, flags.IsShareScreen);
                }
            }
        }
    }
}
