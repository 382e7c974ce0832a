using Microsoft.AspNetCore.SignalR;
using Parley.Data.Entities;
using Parley.Server.RoomMedia;
using Parley.Server.Rooms;
using Parley.Server.Telemetry;

namespace Parley.Server.Membership;

/// <summary>
/// Room membership: who is in which room. The registry of live connections is the authority; the SignalR groups and
/// the media follow its changes through <see cref="MembershipProjector"/>, and the rows (<c>room_user</c>) are written
/// here, before a change that the database must allow and after one that happens whatever it says. Every change to a
/// room runs under that room's lock, and events go out under it too, so that everyone sees a room's changes in the
/// order they happened. Refusals are <see cref="HubException"/>s whose message is meant for the person.
/// </summary>
internal sealed partial class RoomMembershipService(
    IMembershipStore store,
    ConnectionRegistry registry,
    MembershipProjector projector,
    IRoomMedia media,
    RoomEvents events,
    MemberFlagsSync flagsSync,
    MembershipRepairs repairs,
    ServerDrain drain,
    ServerMetrics metrics,
    TimeProvider timeProvider,
    RoomActivityFanOut activity,
    IJoinAdmission admission,
    ReconnectGrace reconnectGrace,
    ILogger<RoomMembershipService> logger)
{
    // Membership changes must finish once begun (a half-done change is what the lock exists to prevent),
    // so they do not take the caller's cancellation.
    private static readonly CancellationToken NoCancel = CancellationToken.None;

    public void Connected(string connectionId, string userId) => registry.Add(connectionId, userId);

    /// <summary>
    /// Leaves whatever room or queue the connection is in and forgets it; <paramref name="reason"/> says whether it
    /// closed (<see cref="LeftReason.Left"/>) or went silent (<see cref="LeftReason.Disconnected"/>). A participant
    /// keeps their place for <see cref="MembershipSettings.ReconnectGrace"/> first (see <see cref="TryHoldPlaceAsync"/>).
    /// </summary>
    public async Task DisconnectedAsync(string connectionId, LeftReason reason)
    {
        registry.MarkClosing(connectionId);
        if (await TryHoldPlaceAsync(connectionId, reason))
        {
            return;
        }

        try
        {
            await LeaveAsync(connectionId, reason);
        }
        finally
        {
            registry.Remove(connectionId);
        }
    }

    public async Task CreateRoomAsync(string roomId)
    {
        await using (await projector.EnterAsync(roomId))
        {
            _ = await store.FindRoomAsync(roomId, NoCancel) ?? throw HubErrors.RoomNotFound();
            await media.EnsureRouterAsync(roomId, NoCancel);
        }
    }

    /// <param name="inviteToken">An invite link's token, redeemed by someone without access (<see cref="IJoinAdmission"/>).</param>
    public async Task<JoinRoomResult> JoinRoomAsync(string connectionId, string roomId, string? inviteToken = null)
    {
        var before = registry.Find(connectionId) ?? throw HubErrors.NotConnected();
        if (before.RoomId is { } other && other != roomId)
        {
            // A refused join must not cost the caller the room they are in: check the new one exists first.
            _ = await store.FindRoomAsync(roomId, NoCancel) ?? throw HubErrors.RoomNotFound();
            await LeaveAsync(connectionId, LeftReason.Left);
        }

        await using (await projector.EnterAsync(roomId))
        {
            drain.ThrowIfDraining();
            var room = await store.FindRoomAsync(roomId, NoCancel) ?? throw HubErrors.RoomNotFound();
            var userId = before.UserId;
            RequireRoomForNewcomer(room, connectionId, userId);
            var inAlready = registry.Find(connectionId) is { IsJoined: true } joined && joined.RoomId == roomId;
            // Only a newcomer's invite counts a use, and the membership lookup is only for a room with a waiting room.
            if ((inviteToken is not null || room.MustWait(userId)) && !inAlready
                && await admission.SkipsWaitingRoomAsync(room, userId, inviteToken))
            {
                room = room with { GrantedUserIds = [.. room.GrantedUserIds, userId] };
            }

            if (room.MustWait(userId))
            {
                await WaitAtDoorAsync(connectionId, userId, roomId);
                return WaitingResult.Instance;
            }

            var current = registry.Find(connectionId)!;
            var alreadyIn = current.IsJoined && current.RoomId == roomId;
            IReadOnlyList<RoomUserDto>? users = null;
            var isHost = room.View.IsHost(userId);
            // Joining the room one is in changes nothing; it only answers with the room's state again.
            if (!alreadyIn)
            {
                var wasWaiting = current.IsWaiting && current.RoomId == roomId;
                await UpsertMemberAsync(roomId, userId, room.View.RoleOf(userId));
                if (!registry.TryJoin(roomId, connectionId, isHost, out var replaced))
                {
                    // The connection dropped while joining: unless another connection of the user holds the place,
                    // the row just written has no connection to belong to.
                    if (registry.GetMemberConnection(roomId, userId) is null)
                    {
                        await store.RemoveMemberAsync(roomId, userId, revokeAccess: false, NoCancel);
                    }

                    throw HubErrors.NotConnected();
                }

                repairs.Forget(roomId, userId);
                await media.EnsureRouterAsync(roomId, NoCancel);
                // Into the room's group; a replaced connection out of it, its media closed.
                await projector.ProjectAsync(roomId);
                if (wasWaiting && !registry.GetWaiting(roomId).Any(w => w.UserId == userId))
                {
                    // Let in without admitUser (the host turned the waiting room off): the request is moot.
                    await events.JoinRequestCancelledAsync(registry.GetHostConnections(roomId), userId);
                }

                var returned = replaced is not null && EndHold(replaced);
                if (replaced is not null)
                {
                    MembershipLog.SessionReplaced(logger, userId, roomId, connectionId, replaced);
                    await events.SessionReplacedAsync(replaced);
                }

                users = await store.ListMembersAsync(roomId, NoCancel);
                await events.UserJoinedAsync(roomId, connectionId, Self(users, userId));
                MembershipLog.Joined(logger, userId, roomId, connectionId);
                if (returned)
                {
                    await events.UserConnectionChangedAsync(roomId, userId, connected: true);
                    MembershipLog.ConnectionBack(logger, userId, roomId, connectionId);
                }

                if (replaced is null)
                {
                    // A reconnect that replaced the user's own session is not a new arrival.
                    await activity.RecordAsync(registry.GetMemberUserIds(roomId).Count == 1
                        ? [new MeetingStarted(roomId, room.View.OwnerId), new ParticipantJoined(roomId, userId)]
                        : [new ParticipantJoined(roomId, userId)]);
                }

                metrics.Joined();
                if (isHost)
                {
                    // A host arriving after people started waiting still has to see them.
                    foreach (var waiting in registry.GetWaiting(roomId))
                    {
                        await events.JoinRequestAsync([connectionId], waiting);
                    }
                }
            }

            users ??= await store.ListMembersAsync(roomId, NoCancel);
            return new JoinedResult(
                room.View, Self(users, userId), users, media.GetRouterRtpCapabilities(roomId), media.GetProducers(roomId, userId));
        }
    }

    /// <summary>Leaves the room or the waiting queue the connection is in; nothing happens when it is in none.</summary>
    public async Task LeaveAsync(string connectionId, LeftReason reason = LeftReason.Left)
    {
        // Another actor (a host, a room deletion, a newer session) may move the connection while we wait for the
        // lock, so the place is read again under it.
        while (registry.Find(connectionId) is { RoomId: { } roomId })
        {
            await using (await projector.EnterAsync(roomId))
            {
                var now = registry.Find(connectionId);
                if (now is null || now.RoomId != roomId)
                {
                    continue;
                }

                if (now.IsWaiting)
                {
                    var gone = registry.StopWaiting(connectionId, out _);
                    if (gone is not null)
                    {
                        await events.JoinRequestCancelledAsync(registry.GetHostConnections(roomId), gone.UserId);
                        MembershipLog.StoppedWaiting(logger, gone.UserId, roomId);
                    }
                }
                else
                {
                    await LeaveJoinedAsync(now, roomId, reason);
                }

                return;
            }
        }
    }

    public async Task<RoomUserDto> UpdateUserAsync(string connectionId, MediaFlagsChange change)
    {
        var roomId = RequireJoined(connectionId).RoomId!;
        await using (await projector.EnterAsync(roomId))
        {
            var caller = RequireJoined(connectionId);
            if (caller.RoomId != roomId)
            {
                throw HubErrors.NotInRoom();
            }

            // A failed read changes nothing; the media is touched only once the row is known.
            var current = await store.FindMemberAsync(roomId, caller.UserId, NoCancel) ?? throw HubErrors.NotInRoom();
            await RequireMayTurnOnAsync(caller, current, change);
            var peer = new MediaPeer(roomId, caller.UserId, connectionId);
            var flags = await media.ApplyFlagsAsync(peer, current.Flags(), change, NoCancel);
            if (flags == current.Flags())
            {
                // Nothing changed, so nothing is broadcast (a client repeating itself must not flood the room).
                return current;
            }

            RoomUserDto updated;
            try
            {
                updated = await store.SetFlagsAsync(roomId, caller.UserId, flags, NoCancel) ?? throw HubErrors.NotInRoom();
            }
            catch (Exception exception) when (exception is not HubException)
            {
                // The producers changed and they are the authority: the call succeeded, the row follows later.
                flagsSync.NotWritten(peer, exception);
                return current with { IsMicActive = flags.IsMicActive, IsCamActive = flags.IsCamActive, IsShareScreen = flags.IsShareScreen };
            }

            await events.UserUpdatedAsync(roomId, connectionId, updated);
            return updated;
        }
    }

    public async Task<IReadOnlyList<RoomUserDto>> GetUsersAsync(string connectionId, string roomId)
    {
        var caller = registry.Find(connectionId);
        if (caller is null || !caller.IsJoined || caller.RoomId != roomId)
        {
            throw HubErrors.NotMember();
        }

        return await store.ListMembersAsync(roomId, NoCancel);
    }

    public async Task AdmitAsync(string connectionId, string userId)
    {
        var roomId = RequireHost(connectionId).RoomId!;
        await using (await projector.EnterAsync(roomId))
        {
            var host = RequireHost(connectionId, roomId);
            _ = await store.FindUserNameAsync(userId, NoCancel) ?? throw HubErrors.UserNotFound();
            if (!await store.GrantAccessAsync(roomId, userId, NoCancel))
            {
                throw HubErrors.RoomNotFound();
            }

            var waiting = registry.ReleaseWaiting(roomId, userId);
            await events.AdmittedAsync(waiting, roomId);
            MembershipLog.Admitted(logger, host.UserId, userId, roomId);
        }
    }

    public async Task DenyAsync(string connectionId, string userId)
    {
        var roomId = RequireHost(connectionId).RoomId!;
        await using (await projector.EnterAsync(roomId))
        {
            var host = RequireHost(connectionId, roomId);
            var waiting = registry.ReleaseWaiting(roomId, userId);
            if (waiting.Count == 0)
            {
                throw new HubException("That user is not waiting to join this room");
            }

            await events.DeniedAsync(waiting, roomId);
            MembershipLog.Denied(logger, host.UserId, userId, roomId);
        }
    }

    public async Task RemoveAsync(string connectionId, string userId)
    {
        var roomId = RequireHost(connectionId).RoomId!;
        await using (await projector.EnterAsync(roomId))
        {
            var host = RequireHost(connectionId, roomId);
            if (userId == host.UserId)
            {
                throw new HubException("The host cannot remove themselves; call leaveRoom to leave");
            }

            if ((await store.FindRoomAsync(roomId, NoCancel))?.IsOwner(userId) == true)
            {
                throw OwnerUntouchable();
            }

            var target = registry.GetMemberConnection(roomId, userId) ?? throw new HubException("That user is not in this room");
            // Removal also takes back access the host granted, so that the person cannot walk straight back in.
            await store.RemoveMemberAsync(roomId, userId, revokeAccess: true, NoCancel);
            registry.Leave(target, out _);
            await projector.ProjectAsync(roomId);
            await events.RemovedAsync(target, roomId);
            await events.UserLeftAsync(roomId, userId, LeftReason.Removed);
            await activity.RecordAsync([new ParticipantLeft(roomId, userId, LeftReason.Removed)]);
            MembershipLog.Removed(logger, host.UserId, userId, roomId);
            metrics.Left(LeaveReason.Removed);
        }
    }

    /// <summary>The room was deleted: everyone in it or at its door is told and taken out.</summary>
    public Task CloseRoomAsync(string roomId, CancellationToken cancellationToken) => CloseRoomAsync(roomId, meetingEnded: false);

    /// <summary>
    /// Everyone in the room or at its door is taken out (<c>userLeft</c> reason "ended") and told: <c>roomClosed</c>
    /// when the room was deleted, <c>meetingEnded</c> when a host ended the meeting.
    /// </summary>
    private async Task CloseRoomAsync(string roomId, bool meetingEnded)
    {
        await using (await projector.EnterAsync(roomId))
        {
            var closed = registry.Close(roomId);
            try
            {
                // The rows normally went with the room (on delete cascade); this covers a caller that notifies first.
                await store.RemoveAllMembersAsync(roomId, NoCancel);
            }
            catch (Exception exception)
            {
                foreach (var member in closed.Members)
                {
                    MembershipLog.CleanupFailed(logger, member.ConnectionId, member.UserId, roomId, exception.Message);
                    repairs.LeaveNotWritten(roomId, member.UserId, LeftReason.Ended);
                }
            }

            foreach (var member in closed.Members)
            {
                await events.UserLeftAsync(roomId, member.UserId, LeftReason.Ended);
            }

            await RecordEndAsync(roomId, closed.Members, LeftReason.Ended);

            // Only now out of the group (they heard each other leave) and the media closed.
            await projector.ProjectAsync(roomId);
            IReadOnlyList<string> told = [.. closed.Members.Select(m => m.ConnectionId), .. closed.WaitingConnections];
            await (meetingEnded ? events.MeetingEndedAsync(told, roomId) : events.RoomClosedAsync(told, roomId));
            MembershipLog.RoomClosed(logger, roomId, closed.Members.Count, closed.WaitingConnections.Count);
            metrics.Left(LeaveReason.RoomClosed, closed.Members.Count);
        }
    }

    /// <summary>
    /// The server is stopping: everyone in the room or at its door loses their place, the rows go and the media
    /// closes. Nobody is told here; every connection gets <c>serverShuttingDown</c> afterwards.
    /// </summary>
    public async Task<int> DrainRoomAsync(string roomId) =>
        (await SendAwayAsync(roomId, store.RemoveAllMembersAsync)).Members.Count;

    /// <summary>
    /// Another node holds the room's lease (the meeting is split): everyone here in the room or at its door loses
    /// their place here, this node's rows of the room go (the holder's people keep theirs) and the media closes.
    /// Nobody is told here; the caller tells the returned connections <c>serverShuttingDown</c>, so that they rejoin
    /// and are redirected to the holder.
    /// </summary>
    public async Task<IReadOnlyList<string>> SendAwayFromSplitRoomAsync(string roomId)
    {
        var closed = await SendAwayAsync(roomId, store.RemoveMembersHereAsync);
        return [.. closed.Members.Select(m => m.ConnectionId), .. closed.WaitingConnections];
    }

    /// <summary>
    /// Closes the room here for everyone in it or at its door (reason "server shutdown"), with the rows
    /// <paramref name="removeRows"/> deletes; tells nobody.
    /// </summary>
    private async Task<ClosedRoom> SendAwayAsync(string roomId, Func<string, CancellationToken, Task> removeRows)
    {
        await using (await projector.EnterAsync(roomId))
        {
            var closed = registry.Close(roomId);
            try
            {
                await removeRows(roomId, NoCancel);
            }
            finally
            {
                await projector.ProjectAsync(roomId);
                foreach (var member in closed.Members)
                {
                    MembershipLog.Left(logger, member.UserId, roomId, member.ConnectionId, LeftReason.ServerShutdown.WireName());
                }

                await RecordEndAsync(roomId, closed.Members, LeftReason.ServerShutdown);
            }

            return closed;
        }
    }

    private async Task WaitAtDoorAsync(string connectionId, string userId, string roomId)
    {
        var current = registry.Find(connectionId)!;
        if (current.IsJoined && current.RoomId == roomId)
        {
            // Access was taken back while in the room (the host removed and the user rejoined is the usual way
            // here, but a joined connection cannot be inside and waiting at once).
            await LeaveJoinedAsync(current, roomId, LeftReason.Left);
        }

        var name = await store.FindUserNameAsync(userId, NoCancel) ?? throw HubErrors.UserNotFound();
        if (!registry.TryStartWaiting(roomId, connectionId, name, out var newUser))
        {
            throw HubErrors.NotConnected();
        }

        if (newUser)
        {
            await events.JoinRequestAsync(registry.GetHostConnections(roomId), new WaitingUser(userId, name));
        }

        MembershipLog.Waiting(logger, userId, roomId);
    }

    private async Task LeaveJoinedAsync(ConnectionInfo connection, string roomId, LeftReason reason)
    {
        var userId = connection.UserId;
        // Only the connection that holds the user's place owns the row; a replaced one has already lost it.
        var ownsRow = registry.GetMemberConnection(roomId, userId) == connection.ConnectionId;
        // The live state goes first and whatever the database says: a connection that left is out of the room, its
        // group and its media.
        registry.Leave(connection.ConnectionId, out _);
        await projector.ProjectAsync(roomId);
        if (!ownsRow)
        {
            return;
        }

        MembershipLog.Left(logger, userId, roomId, connection.ConnectionId, reason.WireName());
        metrics.Left(reason.ForMetrics());
        try
        {
            await store.RemoveMemberAsync(roomId, userId, revokeAccess: false, NoCancel);
        }
        catch (Exception exception)
        {
            // The database is unreachable: the reconciler deletes the row and tells the room once it is back.
            MembershipLog.CleanupFailed(logger, connection.ConnectionId, userId, roomId, exception.Message);
            repairs.LeaveNotWritten(roomId, userId, reason);
            return;
        }

        await events.UserLeftAsync(roomId, userId, reason);
        await activity.RecordAsync(registry.GetMemberUserIds(roomId).Count == 0
            ? [new ParticipantLeft(roomId, userId, reason), new MeetingEnded(roomId, reason)]
            : [new ParticipantLeft(roomId, userId, reason)]);
    }

    private Task RecordEndAsync(string roomId, IReadOnlyList<MemberConnection> members, LeftReason reason) =>
        members.Count == 0
            ? Task.CompletedTask
            : activity.RecordAsync([.. members.Select(m => new ParticipantLeft(roomId, m.UserId, reason)), new MeetingEnded(roomId, reason)]);

    private static RoomUserDto Self(IReadOnlyList<RoomUserDto> users, string userId) =>
        users.FirstOrDefault(u => u.UserId == userId) ?? throw new InvalidOperationException("A joined user has no room_user row.");

    private async Task UpsertMemberAsync(string roomId, string userId, string role)
    {
        try
        {
            await store.UpsertMemberAsync(roomId, userId, role, NoCancel);
        }
        catch (RoomGoneException)
        {
            throw HubErrors.RoomNotFound();
        }
    }

    private ConnectionInfo RequireJoined(string connectionId)
    {
        var caller = registry.Find(connectionId);
        return caller is { IsJoined: true } ? caller : throw HubErrors.NotInRoom();
    }

    private ConnectionInfo RequireHost(string connectionId, string? roomId = null)
    {
        var caller = RequireJoined(connectionId);
        if (roomId is not null && caller.RoomId != roomId)
        {
            throw HubErrors.NotInRoom();
        }

        return caller.IsHost ? caller : throw HubErrors.HostOnly();
    }
}
