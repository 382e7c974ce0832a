using Parley.Data.Entities;

namespace Parley.Server.Invitations;

/// <summary>The contract's <c>invite</c>: a link to a room, with its use count.</summary>
public sealed record InviteDto(
    string Id, string Token, string Url, DateTime? ExpiresAt, int? MaxUses, int Uses, bool SkipWaitingRoom, DateTime CreatedAt, DateTime? RevokedAt)
{
    internal static InviteDto From(RoomInvite invite, string baseUrl) => new(
        invite.Id, invite.Token, InviteLinks.Url(baseUrl, invite.Token), invite.ExpiresAt, invite.MaxUses, invite.Uses, invite.SkipWaitingRoom,
        invite.CreatedAt, invite.RevokedAt);
}

/// <summary>Body of <c>POST /api/rooms/{roomId}/invites</c>; every field optional.</summary>
public sealed record CreateInviteRequest(DateTime? ExpiresAt = null, int? MaxUses = null, bool? SkipWaitingRoom = null);

/// <summary><c>{invite}</c></summary>
public sealed record InviteResponse(InviteDto Invite);

/// <summary><c>{invites:[invite]}</c></summary>
public sealed record InviteListResponse(IReadOnlyList<InviteDto> Invites);

/// <summary>A registered user the owner invited by email.</summary>
public sealed record MemberDto(string UserId, string Email, string Name);

/// <summary>Body of <c>POST /api/rooms/{roomId}/members</c>.</summary>
public sealed record AddMemberRequest(string? Email);

/// <summary><c>{member}</c></summary>
public sealed record MemberResponse(MemberDto Member);

/// <summary><c>{members:[member]}</c></summary>
public sealed record MemberListResponse(IReadOnlyList<MemberDto> Members);
