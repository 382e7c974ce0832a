using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Entities;

namespace Parley.Server.Invitations;

/// <summary>What an invitation operation came to: a value, or the status and why not.</summary>
internal sealed record SharingOutcome<T>(T? Value, int Status, string? Problem)
    where T : class
{
    public static SharingOutcome<T> Ok(T value, int status = StatusCodes.Status200OK) => new(value, status, null);

    public static SharingOutcome<T> Fail(int status, string problem) => new(null, status, problem);
}

/// <summary>Invite links and members of a room: who may manage them, and what they let in.</summary>
internal sealed class InviteService(ParleyDbContext db, TimeProvider time)
{
    /// <summary>Invite links one room may have, revoked and expired ones included (they stay listed with their uses).</summary>
    public const int MaxInvitesPerRoom = 200;

    public const int MaxMembersPerRoom = 500;

    public const int MaxUsesLimit = 100_000;

    /// <summary>How far ahead an expiry may be set.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(366);

    /// <summary>The room if <paramref name="userId"/> may manage its invitations (hosts; the owner only when <paramref name="ownerOnly"/>).</summary>
    public async Task<SharingOutcome<Room>> RoomForAsync(string roomId, string userId, bool ownerOnly, CancellationToken cancellationToken)
    {
        var room = IdGenerator.IsWellFormed(roomId) ? await db.Rooms.AsNoTracking().FirstOrDefaultAsync(r => r.Id == roomId, cancellationToken) : null;
        if (room is null)
        {
            return SharingOutcome<Room>.Fail(StatusCodes.Status404NotFound, "No room has that id.");
        }

        var allowed = room.OwnerId == userId || (!ownerOnly && room.CoHostIds.Contains(userId));
        return allowed
            ? SharingOutcome<Room>.Ok(room)
            : SharingOutcome<Room>.Fail(StatusCodes.Status403Forbidden, ownerOnly
                ? "Only the room's owner can change who is a member of it."
                : "Only the room's hosts (its owner and co-hosts) can manage its invitations.");
    }

    public async Task<SharingOutcome<RoomInvite>> CreateInviteAsync(string roomId, string userId, CreateInviteRequest request, CancellationToken cancellationToken)
    {
        var now = Timestamps.UtcNow(time);
        if (request.ExpiresAt is { } expiresAt && (expiresAt.ToUniversalTime() <= now || expiresAt.ToUniversalTime() > now + MaxLifetime))
        {
            return SharingOutcome<RoomInvite>.Fail(StatusCodes.Status400BadRequest,
                $"'expiresAt' must be in the future and at most {MaxLifetime.TotalDays:0} days ahead (an ISO-8601 UTC time).");
        }

        if (request.MaxUses is { } maxUses && (maxUses < 1 || maxUses > MaxUsesLimit))
        {
            return SharingOutcome<RoomInvite>.Fail(StatusCodes.Status400BadRequest, $"'maxUses' must be from 1 to {MaxUsesLimit}, or left out for no limit.");
        }

        if (await db.RoomInvites.CountAsync(i => i.RoomId == roomId, cancellationToken) >= MaxInvitesPerRoom)
        {
            return SharingOutcome<RoomInvite>.Fail(StatusCodes.Status409Conflict, $"This room has {MaxInvitesPerRoom} invite links, the most a room may have.");
        }

        var invite = new RoomInvite
        {
            RoomId = roomId,
            Token = InviteLinks.NewToken(),
            CreatedById = userId,
            ExpiresAt = request.ExpiresAt is { } at ? TruncateToMilliseconds(at.ToUniversalTime()) : null,
            MaxUses = request.MaxUses,
            SkipWaitingRoom = request.SkipWaitingRoom ?? false,
            CreatedAt = now,
        };
        db.RoomInvites.Add(invite);
        await db.SaveChangesAsync(cancellationToken);
        return SharingOutcome<RoomInvite>.Ok(invite, StatusCodes.Status201Created);
    }

    public async Task<IReadOnlyList<RoomInvite>> ListInvitesAsync(string roomId, CancellationToken cancellationToken) =>
        await db.RoomInvites.AsNoTracking().Where(i => i.RoomId == roomId)
            .OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id).ToListAsync(cancellationToken);

    /// <summary>Revokes an invite of the room (again is fine); false when the room has no such invite.</summary>
    public async Task<bool> RevokeInviteAsync(string roomId, string inviteId, CancellationToken cancellationToken)
    {
        if (!IdGenerator.IsWellFormed(inviteId)
            || await db.RoomInvites.FirstOrDefaultAsync(i => i.Id == inviteId && i.RoomId == roomId, cancellationToken) is not { } invite)
        {
            return false;
        }

        invite.RevokedAt ??= Timestamps.UtcNow(time);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>The room a valid (not revoked, expired or used up) invite token leads to.</summary>
    public async Task<Room?> FindRoomByTokenAsync(string token, CancellationToken cancellationToken)
    {
        if (!IdGenerator.IsWellFormed(token))
        {
            return null;
        }

        var now = Timestamps.UtcNow(time);
        return await (from i in db.RoomInvites
                      join r in db.Rooms on i.RoomId equals r.Id
                      where i.Token == token && i.RevokedAt == null && (i.ExpiresAt == null || i.ExpiresAt > now) && (i.MaxUses == null || i.Uses < i.MaxUses)
                      select r).AsNoTracking().FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Counts one use of a valid invite to <paramref name="roomId"/> in a single conditional update (two people
    /// racing for the last use cannot both get it); null when the token is not valid for that room.
    /// </summary>
    public async Task<RoomInvite?> RedeemAsync(string roomId, string token, CancellationToken cancellationToken)
    {
        if (!IdGenerator.IsWellFormed(token))
        {
            return null;
        }

        var now = Timestamps.UtcNow(time);
        var counted = await db.RoomInvites
            .Where(i => i.Token == token && i.RoomId == roomId && i.RevokedAt == null && (i.ExpiresAt == null || i.ExpiresAt > now)
                && (i.MaxUses == null || i.Uses < i.MaxUses))
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.Uses, i => i.Uses + 1), cancellationToken);
        return counted == 0 ? null : await db.RoomInvites.AsNoTracking().FirstOrDefaultAsync(i => i.Token == token, cancellationToken);
    }

    public async Task<SharingOutcome<MemberDto>> AddMemberAsync(Room room, string? email, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > 256)
        {
            return SharingOutcome<MemberDto>.Fail(StatusCodes.Status400BadRequest, "'email' is required: the email address of a registered user.");
        }

        var normalized = email.Trim().ToUpperInvariant();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedEmail == normalized && !u.IsGuest, cancellationToken);
        if (user is null)
        {
            return SharingOutcome<MemberDto>.Fail(StatusCodes.Status404NotFound,
                "Nobody with that email address has an account here. They can register first, or join with an invite link.");
        }

        var member = new MemberDto(user.Id, user.Email!, user.Name);
        if (user.Id == room.OwnerId)
        {
            return SharingOutcome<MemberDto>.Fail(StatusCodes.Status400BadRequest, "The owner is always in their own room; invite someone else.");
        }

        if (await db.RoomMembers.AnyAsync(m => m.RoomId == room.Id && m.UserId == user.Id, cancellationToken))
        {
            return SharingOutcome<MemberDto>.Ok(member, StatusCodes.Status201Created);
        }

        if (await db.RoomMembers.CountAsync(m => m.RoomId == room.Id, cancellationToken) >= MaxMembersPerRoom)
        {
            return SharingOutcome<MemberDto>.Fail(StatusCodes.Status409Conflict, $"This room has {MaxMembersPerRoom} members, the most a room may have.");
        }

        db.RoomMembers.Add(new RoomMember { RoomId = room.Id, UserId = user.Id, CreatedAt = Timestamps.UtcNow(time) });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Added by a request racing this one: the member is there, which is what was asked. Anything else is not.
            db.ChangeTracker.Clear();
            if (!await db.RoomMembers.AnyAsync(m => m.RoomId == room.Id && m.UserId == user.Id, cancellationToken))
            {
                throw;
            }
        }

        return SharingOutcome<MemberDto>.Ok(member, StatusCodes.Status201Created);
    }

    public async Task<IReadOnlyList<MemberDto>> ListMembersAsync(string roomId, CancellationToken cancellationToken) =>
        await (from m in db.RoomMembers
               join u in db.Users on m.UserId equals u.Id
               where m.RoomId == roomId
               orderby m.CreatedAt, u.Id
               select new MemberDto(u.Id, u.Email!, u.Name)).ToListAsync(cancellationToken);

    public async Task<bool> RemoveMemberAsync(string roomId, string userId, CancellationToken cancellationToken) =>
        IdGenerator.IsWellFormed(userId)
        && await db.RoomMembers.Where(m => m.RoomId == roomId && m.UserId == userId).ExecuteDeleteAsync(cancellationToken) > 0;

    public Task<bool> IsMemberAsync(string roomId, string userId, CancellationToken cancellationToken) =>
        db.RoomMembers.AnyAsync(m => m.RoomId == roomId && m.UserId == userId, cancellationToken);

    /// <summary>The rooms <paramref name="userId"/> is a member of, newest membership first.</summary>
    public async Task<IReadOnlyList<Room>> SharedRoomsAsync(string userId, CancellationToken cancellationToken) =>
        await (from m in db.RoomMembers
               join r in db.Rooms on m.RoomId equals r.Id
               where m.UserId == userId
               orderby m.CreatedAt descending, r.Id
               select r).AsNoTracking().ToListAsync(cancellationToken);

    private static DateTime TruncateToMilliseconds(DateTime value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
}
