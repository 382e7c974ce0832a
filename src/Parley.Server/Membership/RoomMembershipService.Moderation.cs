using Microsoft.AspNetCore.SignalR;
using Parley.Data;
using Parley.Data.Entities;
using Parley.Server.Hubs;
using Parley.Server.RoomMedia;
using Parley.Server.Rooms;

namespace Parley.Server.Membership;

/// <summary>
/// Roles and moderation (the contract's "Roles and moderation"): hosts act on others' media only to turn it off,
/// never on; everything runs under the room's lock like the rest of membership.
/// </summary>
internal sealed partial class RoomMembershipService
{
    /// <summary>The reactions <c>sendReaction</c> takes.</summary>
    public static readonly IReadOnlySet<string> Reactions = new HashSet<string>(StringComparer.Ordinal)
    {
        "👍", "👎", "👏", "🙌", "🎉", "❤️", "😂", "😮", "🤔", "🙏",
    };

    /// <summary>A room's settings or co-hosts changed: everyone in it gets <c>roomUpdated</c>.</summary>
    public async Task RoomUpdatedAsync(RoomDto room)
    {
        await using (await projector.EnterAsync(room.Id))
        {
            if (!room.Settings.VideoEnabled)
            {
                // Turned audio-only during the meeting: the video being sent stops now.
                foreach (var userId in registry.GetMemberUserIds(room.Id))
                {
                    if (registry.GetMemberConnection(room.Id, userId) is { } connection)
                    {
                        await StopSourcesAsync(new MediaPeer(room.Id, userId, connection), null, [MediaSource.Cam, MediaSource.Screen], close: true);
                    }
                }
            }

            await media.ApplyMaxVideoHeightAsync(room.Id, room.Settings.MaxVideoHeight, NoCancel);
            await events.ToRoomAsync(room.Id, HubEventNames.RoomUpdated, new { room });
        }
    }

    /// <summary>The room the caller is joined to (for <c>updateRoom</c>, which goes through the room service).</summary>
    public (string RoomId, string UserId) RequireJoinedRoom(string connectionId)
    {
        var caller = RequireJoined(connectionId);
        return (caller.RoomId!, caller.UserId);
    }

    public async Task<RoomUserDto> SetRoleAsync(string connectionId, string userId, string role)
    {
        var roomId = RequireHost(connectionId).RoomId!;
        await using (await projector.EnterAsync(roomId))
        {
            var host = RequireHost(connectionId, roomId);
            var target = registry.GetMemberConnection(roomId, userId) ?? throw NotInThisRoom();
            var room = await store.FindRoomAsync(roomId, NoCancel) ?? throw HubErrors.RoomNotFound();
            if (room.IsOwner(userId))
            {
                throw OwnerUntouchable();
            }

            var current = await store.FindMemberAsync(roomId, userId, NoCancel) ?? throw NotInThisRoom();
            if ((role == RoomRoles.CoHost || current.Role == RoomRoles.CoHost) && !room.IsOwner(host.UserId))
            {
                throw new HubException("Only the room's owner can make or unmake co-hosts");
            }

            if (current.Role == role)
            {
                return current;
            }

            var updated = await store.SetRoleAsync(roomId, userId, role, NoCancel) ?? throw NotInThisRoom();
            var isHost = RoomRoles.IsHost(role);
            registry.SetHost(roomId, userId, isHost);
            if (role == RoomRoles.Viewer)
            {
                // A viewer cannot produce: whatever they send stops now.
                updated = await StopSourcesAsync(new MediaPeer(roomId, userId, target), updated, [MediaSource.Mic, MediaSource.Cam, MediaSource.Screen], close: true) ?? updated;
            }

            await events.UserUpdatedAsync(roomId, updated);
            if (role == RoomRoles.CoHost || current.Role == RoomRoles.CoHost)
            {
                var changed = await store.FindRoomAsync(roomId, NoCancel) ?? throw HubErrors.RoomNotFound();
                await events.ToRoomAsync(roomId, HubEventNames.RoomUpdated, new { room = changed.View });
            }

            if (isHost)
            {
                foreach (var waiting in registry.GetWaiting(roomId))
                {
                    await events.JoinRequestAsync([target], waiting);
                }
            }

            MembershipLog.RoleChanged(logger, host.UserId, userId, roomId, role);
            return updated;
        }
    }

    /// <summary>Pauses the user's mic (<c>muteUser</c>).</summary>
    public Task MuteAsync(string connectionId, string userId) =>
        AsHostOnMemberAsync(connectionId, userId, async (roomId, target) =>
        {
            registry.HoldMic(target, held: true);
            await StopSourcesAsync(new MediaPeer(roomId, userId, target), null, [MediaSource.Mic], close: false);
        });

    /// <summary>Closes the user's camera or screen producer (<c>stopVideo</c>).</summary>
    public Task StopVideoAsync(string connectionId, string userId, MediaSource source) =>
        AsHostOnMemberAsync(connectionId, userId, (roomId, target) =>
            StopSourcesAsync(new MediaPeer(roomId, userId, target), null, [source], close: true));

    /// <summary>Pauses everyone's mic but the hosts' (<c>muteAll</c>).</summary>
    public async Task MuteAllAsync(string connectionId)
    {
        var roomId = RequireHost(connectionId).RoomId!;
        await using (await projector.EnterAsync(roomId))
        {
            RequireHost(connectionId, roomId);
            foreach (var userId in registry.GetMemberUserIds(roomId))
            {
                if (registry.GetMemberConnection(roomId, userId) is { } target && registry.Find(target) is { IsHost: false })
                {
                    registry.HoldMic(target, held: true);
                    await StopSourcesAsync(new MediaPeer(roomId, userId, target), null, [MediaSource.Mic], close: false);
                }
            }
        }
    }

    /// <summary>Frees the user's mic again and asks them to unmute (<c>askToUnmute</c>); they decide.</summary>
    public Task AskToUnmuteAsync(string connectionId, string userId) =>
        AsHostOnMemberAsync(connectionId, userId, (_, target) =>
        {
            registry.HoldMic(target, held: false);
            return events.ToConnectionAsync(target, HubEventNames.UnmuteRequested, new { byUserId = registry.Find(connectionId)?.UserId });
        });

    /// <summary>Ends the meeting for everyone (<c>endMeeting</c>): all are taken out and get <c>meetingEnded</c>.</summary>
    public async Task EndMeetingAsync(string connectionId)
    {
        var host = RequireHost(connectionId);
        MembershipLog.MeetingEnded(logger, host.UserId, host.RoomId!);
        await CloseRoomAsync(host.RoomId!, meetingEnded: true);
    }

    public async Task RaiseHandAsync(string connectionId)
    {
        var roomId = RequireJoined(connectionId).RoomId!;
        await using (await projector.EnterAsync(roomId))
        {
            var caller = RequireJoined(connectionId);
            var current = await store.FindMemberAsync(roomId, caller.UserId, NoCancel) ?? throw HubErrors.NotInRoom();
            if (current.HandRaisedAt is not null)
            {
                // Raised already: the place in the queue is kept, nothing is announced again.
                return;
            }

            var raised = await store.SetHandAsync(roomId, caller.UserId, Timestamps.UtcNow(timeProvider), NoCancel) ?? throw HubErrors.NotInRoom();
            await events.ToRoomAsync(roomId, HubEventNames.HandRaised, new { userId = caller.UserId, raisedAt = raised.HandRaisedAt });
        }
    }

    public async Task LowerHandAsync(string connectionId, string? userId)
    {
        var roomId = RequireJoined(connectionId).RoomId!;
        await using (await projector.EnterAsync(roomId))
        {
            var caller = RequireJoined(connectionId);
            var targetId = userId ?? caller.UserId;
            if (targetId != caller.UserId && !caller.IsHost)
            {
                throw new HubException("Only hosts can lower someone else's hand");
            }

            var current = await store.FindMemberAsync(roomId, targetId, NoCancel) ?? throw NotInThisRoom();
            if (current.HandRaisedAt is null)
            {
                return;
            }

            _ = await store.SetHandAsync(roomId, targetId, null, NoCancel);
            await events.ToRoomAsync(roomId, HubEventNames.HandLowered, new { userId = targetId });
        }
    }

    public async Task SendReactionAsync(string connectionId, string emoji)
    {
        if (!Reactions.Contains(emoji))
        {
            throw new HubException($"sendReaction: emoji must be one of {string.Join(" ", Reactions)}");
        }

        var roomId = RequireJoined(connectionId).RoomId!;
        await using (await projector.EnterAsync(roomId))
        {
            var caller = RequireJoined(connectionId);
            await events.ToRoomAsync(roomId, HubEventNames.Reaction, new { userId = caller.UserId, emoji });
        }
    }

    /// <summary>
    /// Refuses a newcomer a locked or full room (hosts always get in); someone already joined, or whose other
    /// connection holds a place, is not a newcomer.
    /// </summary>
    private void RequireRoomForNewcomer(RoomRecord room, string connectionId, string userId)
    {
        var settings = room.View.Settings;
        var current = registry.Find(connectionId);
        if (room.View.IsHost(userId) || (current is { IsJoined: true } && current.RoomId == room.Id)
            || registry.GetMemberConnection(room.Id, userId) is not null)
        {
            return;
        }

        if (settings.Locked)
        {
            throw new HubException("Room is locked");
        }

        if (settings.MaxParticipants is { } max && registry.GetMemberUserIds(room.Id).Count >= max)
        {
            throw new HubException("Room is full");
        }
    }

    /// <summary>Refuses <c>updateUser</c> turning on what the caller's role or the room's settings do not allow.</summary>
    private async Task RequireMayTurnOnAsync(ConnectionInfo caller, RoomUserDto current, MediaFlagsChange change)
    {
        var mic = change.IsMicActive == true && !current.IsMicActive;
        var cam = change.IsCamActive == true && !current.IsCamActive;
        var screen = change.IsShareScreen == true && !current.IsShareScreen;
        if (!mic && !cam && !screen)
        {
            return;
        }

        var room = await store.FindRoomAsync(current.RoomId, NoCancel) ?? throw HubErrors.RoomNotFound();
        var policy = new MediaPolicy(room.View.Settings, current.Role);
        if (mic)
        {
            policy.RequireMayProduce(MediaSource.Mic);
            policy.RequireMayUnmute(caller.MicHeld);
        }

        if (cam)
        {
            policy.RequireMayProduce(MediaSource.Cam);
        }

        if (screen)
        {
            policy.RequireMayProduce(MediaSource.Screen);
        }
    }

    private async Task AsHostOnMemberAsync(string connectionId, string userId, Func<string, string, Task> action)
    {
        var roomId = RequireHost(connectionId).RoomId!;
        await using (await projector.EnterAsync(roomId))
        {
            RequireHost(connectionId, roomId);
            var target = registry.GetMemberConnection(roomId, userId) ?? throw NotInThisRoom();
            await action(roomId, target);
        }
    }

    /// <summary>Turns the sources off and writes the flags that follow; the updated row (null when unchanged).</summary>
    private async Task<RoomUserDto?> StopSourcesAsync(MediaPeer peer, RoomUserDto? row, MediaSource[] sources, bool close)
    {
        var current = row ?? await store.FindMemberAsync(peer.RoomId, peer.UserId, NoCancel) ?? throw NotInThisRoom();
        var flags = current.Flags();
        foreach (var source in sources)
        {
            flags = await media.StopSourceAsync(peer, flags, source, close, NoCancel);
        }

        if (flags == current.Flags())
        {
            return null;
        }

        var updated = await store.SetFlagsAsync(peer.RoomId, peer.UserId, flags, NoCancel);
        if (updated is not null && row is null)
        {
            await events.UserUpdatedAsync(peer.RoomId, updated);
        }

        return updated;
    }

    private static HubException NotInThisRoom() => new("That user is not in this room");

    private static HubException OwnerUntouchable() => new("The room's owner is always its host: their role cannot change and they cannot be removed");
}
