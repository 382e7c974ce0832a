namespace Parley.Server.Membership;

/// <summary>
/// The reconnect grace: a participant whose hub connection closed or went silent is not taken out at once. The room
/// hears <c>userConnectionChanged {connected:false}</c>; if the same user joins again within
/// <see cref="MembershipSettings.ReconnectGrace"/> (a reload, the client's automatic reconnect) the new connection takes
/// the held place like any second session and the room hears <c>userConnectionChanged {connected:true}</c> with no
/// <c>userLeft</c>; otherwise the grace ends in the leave the disconnect would have been.
/// </summary>
internal sealed partial class RoomMembershipService
{
    /// <summary>
    /// Holds a joined connection's place when the grace is on and the server is not stopping; false when the
    /// disconnect must be handled at once (waiting, in no room, replaced meanwhile).
    /// </summary>
    private async Task<bool> TryHoldPlaceAsync(string connectionId, LeftReason reason)
    {
        if (reconnectGrace.Period <= TimeSpan.Zero || registry.Find(connectionId) is not { IsJoined: true, RoomId: { } roomId })
        {
            return false;
        }

        await using (await projector.EnterAsync(roomId))
        {
            var now = registry.Find(connectionId);
            if (drain.IsDraining || now is not { IsJoined: true } || now.RoomId != roomId
                || registry.GetMemberConnection(roomId, now.UserId) != connectionId)
            {
                return false;
            }

            reconnectGrace.Hold(connectionId, reason);
            await events.UserConnectionChangedAsync(roomId, now.UserId, connected: false);
            MembershipLog.ConnectionLost(logger, now.UserId, roomId, connectionId, reconnectGrace.Period);
            return true;
        }
    }

    /// <summary>
    /// A new connection of the user replaced <paramref name="connectionId"/>: true when that was a held place (the
    /// user is back), which the registry then forgets.
    /// </summary>
    private bool EndHold(string connectionId)
    {
        if (!reconnectGrace.TryEnd(connectionId))
        {
            return false;
        }

        registry.Remove(connectionId);
        return true;
    }

    /// <summary>The grace of a lost connection ended without the user coming back: the leave the disconnect would have been.</summary>
    public async Task GraceEndedAsync(string connectionId, LeftReason reason)
    {
        try
        {
            await LeaveAsync(connectionId, reason);
        }
        finally
        {
            registry.Remove(connectionId);
        }
    }
}
