namespace Parley.Server.Membership;

/// <summary>
/// What lets a newcomer past a room's waiting room besides being a host or granted access: an invite link or
/// being a member. Called by <c>joinRoom</c> under the room's lock, for someone not yet in the room.
/// </summary>
internal interface IJoinAdmission
{
    /// <summary>
    /// Redeems <paramref name="inviteToken"/> (counting a use) when the caller needs it, and says whether they skip
    /// the waiting room. Throws a <see cref="Microsoft.AspNetCore.SignalR.HubException"/> for an invite that is not
    /// valid any more.
    /// </summary>
    Task<bool> SkipsWaitingRoomAsync(RoomRecord room, string userId, string? inviteToken);
}
