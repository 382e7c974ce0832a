using Microsoft.AspNetCore.SignalR;
using Parley.Server.Membership;

namespace Parley.Server.Invitations;

/// <summary>
/// Invite links and membership at the door. An invite is redeemed only by someone who has no access yet (a host or
/// someone already granted access joins as always, and a reconnect with the same link costs no use); a redeemed
/// invite that skips the waiting room, or one to a room without a waiting room, grants access, so later joins
/// need no link. Members skip the waiting room while they are members.
/// </summary>
internal sealed class JoinAdmission(InviteService invites, IMembershipStore store) : IJoinAdmission
{
    public async Task<bool> SkipsWaitingRoomAsync(RoomRecord room, string userId, string? inviteToken)
    {
        if (room.View.IsHost(userId) || room.GrantedUserIds.Contains(userId))
        {
            return true;
        }

        if (inviteToken is not null)
        {
            var invite = await invites.RedeemAsync(room.Id, inviteToken, CancellationToken.None)
                ?? throw new HubException("This invite link is not valid any more: it expired, was used up or was revoked. Ask a host for a new one.");
            if (invite.SkipWaitingRoom || !room.View.RequireAccessBeforeJoining)
            {
                await store.GrantAccessAsync(room.Id, userId, CancellationToken.None);
                return true;
            }
        }

        return room.View.RequireAccessBeforeJoining && await invites.IsMemberAsync(room.Id, userId, CancellationToken.None);
    }
}
