using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Entities;
using Parley.Server.RoomMedia;
using Parley.Server.Rooms;

namespace Parley.Server.Membership;

/// <summary><see cref="IMembershipStore"/> on <see cref="ParleyDbContext"/>: one short transaction per call.</summary>
internal sealed class EfMembershipStore(ParleyDbContext db, TimeProvider time, Cluster.NodeIdentity node) : IMembershipStore
{
    public async Task<RoomRecord?> FindRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        var room = await db.Rooms.AsNoTracking().FirstOrDefaultAsync(r => r.Id == roomId, cancellationToken);
        return room is null ? null : new RoomRecord(RoomDto.From(room), room.Users);
    }

    public Task<string?> FindUserNameAsync(string userId, CancellationToken cancellationToken) =>
        db.Users.Where(u => u.Id == userId).Select(u => u.Name).FirstOrDefaultAsync(cancellationToken);

    public async Task UpsertMemberAsync(string roomId, string userId, string role, CancellationToken cancellationToken)
    {
        // One statement each way, never a row loaded and saved back: in a cluster the row may be deleted between the
        // two (a dead node's sweep on another node deletes the rows still naming the dead node), and a save of a row
        // that is gone would fail the join. An update that finds nothing becomes an insert; an insert that meets a row
        // written meanwhile becomes an update.
        var now = Timestamps.UtcNow(time);
        for (var attempt = 1; ; attempt++)
        {
            if (await ClaimRowAsync(roomId, userId, role, now, cancellationToken))
            {
                return;
            }

            db.RoomUsers.Add(new RoomUser { RoomId = roomId, UserId = userId, Role = role, NodeId = node.Id, CreatedAt = now, UpdatedAt = now });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                if (!await db.Rooms.AnyAsync(r => r.Id == roomId, cancellationToken))
                {
                    throw new RoomGoneException(roomId);
                }

                if (attempt == 2)
                {
                    throw;
                }
            }
        }
    }

    /// <summary>Takes over the person's existing row for this node's new connection; false when there is none.</summary>
    private async Task<bool> ClaimRowAsync(string roomId, string userId, string role, DateTime now, CancellationToken cancellationToken) =>
        await db.RoomUsers.Where(ru => ru.RoomId == roomId && ru.UserId == userId).ExecuteUpdateAsync(
            set => set
                .SetProperty(ru => ru.Role, role)
                // A new connection starts with nothing sent: the flags follow its (not yet existing) producers.
                .SetProperty(ru => ru.IsMicActive, false)
                .SetProperty(ru => ru.IsCamActive, false)
                .SetProperty(ru => ru.IsShareScreen, false)
                .SetProperty(ru => ru.HandRaisedAt, (DateTime?)null)
                // The row now belongs to this node's connection (the person may have come back from a dead node).
                .SetProperty(ru => ru.NodeId, node.Id)
                .SetProperty(ru => ru.UpdatedAt, now),
            cancellationToken) > 0;

    public async Task<RoomUserDto?> FindMemberAsync(string roomId, string userId, CancellationToken cancellationToken)
    {
        var found = await Members(roomId, userId).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : RoomUserDto.From(found.Row, found.Name);
    }

    public async Task<IReadOnlyList<RoomUserDto>> ListMembersAsync(string roomId, CancellationToken cancellationToken)
    {
        var rows = await Members(roomId, userId: null).ToListAsync(cancellationToken);
        return rows.OrderBy(m => m.Row.CreatedAt).ThenBy(m => m.Row.Id, StringComparer.Ordinal)
            .Select(m => RoomUserDto.From(m.Row, m.Name))
            .ToList();
    }

    public async Task<RoomUserDto?> SetFlagsAsync(string roomId, string userId, MediaFlags flags, CancellationToken cancellationToken)
    {
        var row = await db.RoomUsers.FirstOrDefaultAsync(ru => ru.RoomId == roomId && ru.UserId == userId, cancellationToken);
        if (row is null)
        {
            return null;
        }

        row.IsMicActive = flags.IsMicActive;
        row.IsCamActive = flags.IsCamActive;
        row.IsShareScreen = flags.IsShareScreen;
        row.UpdatedAt = Timestamps.UtcNow(time);
        await db.SaveChangesAsync(cancellationToken);
        var name = await FindUserNameAsync(userId, cancellationToken) ?? string.Empty;
        return RoomUserDto.From(row, name);
    }

    public async Task<IReadOnlyList<StoredMember>> ListAllMembersAsync(CancellationToken cancellationToken) =>
        await db.RoomUsers.AsNoTracking()
            .Where(ru => !node.Clustered || ru.NodeId == node.Id)
            .Select(ru => new StoredMember(ru.RoomId, ru.UserId, new MediaFlags(ru.IsMicActive, ru.IsCamActive, ru.IsShareScreen)))
            .ToListAsync(cancellationToken);

    public async Task<bool> RemoveMemberAsync(string roomId, string userId, bool revokeAccess, CancellationToken cancellationToken)
    {
        if (!revokeAccess)
        {
            // The common case (leave, disconnect) in one statement.
            return await db.RoomUsers.Where(ru => ru.RoomId == roomId && ru.UserId == userId).ExecuteDeleteAsync(cancellationToken) > 0;
        }

        var row = await db.RoomUsers.FirstOrDefaultAsync(ru => ru.RoomId == roomId && ru.UserId == userId, cancellationToken);
        if (row is not null)
        {
            db.RoomUsers.Remove(row);
        }

        var room = await db.Rooms.FirstOrDefaultAsync(r => r.Id == roomId, cancellationToken);
        if (room is not null && room.OwnerId != userId && room.Users.Contains(userId))
        {
            room.Users = room.Users.Where(id => id != userId).ToList();
            room.UpdatedAt = Timestamps.UtcNow(time);
        }

        // One SaveChanges: the row and the access list change together or not at all.
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return row is not null;
        }
        catch (DbUpdateConcurrencyException)
        {
            // The row went meanwhile (the room was deleted and cascaded): what we wanted gone is gone.
            db.ChangeTracker.Clear();
            return false;
        }
    }

    public async Task<bool> GrantAccessAsync(string roomId, string userId, CancellationToken cancellationToken)
    {
        var room = await db.Rooms.FirstOrDefaultAsync(r => r.Id == roomId, cancellationToken);
        if (room is null)
        {
            return false;
        }

        if (!room.Users.Contains(userId))
        {
            room.Users = [.. room.Users, userId];
            room.UpdatedAt = Timestamps.UtcNow(time);
            await db.SaveChangesAsync(cancellationToken);
        }

        return true;
    }

    public Task RemoveAllMembersAsync(string roomId, CancellationToken cancellationToken) =>
        db.RoomUsers.Where(ru => ru.RoomId == roomId).ExecuteDeleteAsync(cancellationToken);

    public Task RemoveMembersHereAsync(string roomId, CancellationToken cancellationToken) =>
        db.RoomUsers.Where(ru => ru.RoomId == roomId && ru.NodeId == node.Id).ExecuteDeleteAsync(cancellationToken);

    public async Task<RoomUserDto?> SetRoleAsync(string roomId, string userId, string role, CancellationToken cancellationToken)
    {
        var row = await db.RoomUsers.FirstOrDefaultAsync(ru => ru.RoomId == roomId && ru.UserId == userId, cancellationToken);
        var room = await db.Rooms.FirstOrDefaultAsync(r => r.Id == roomId, cancellationToken);
        if (row is null || room is null)
        {
            return null;
        }

        var now = Timestamps.UtcNow(time);
        var coHost = role == RoomRoles.CoHost;
        if (coHost != room.CoHostIds.Contains(userId))
        {
            room.CoHostIds = coHost ? [.. room.CoHostIds, userId] : room.CoHostIds.Where(id => id != userId).ToList();
            room.UpdatedAt = now;
        }

        row.Role = role;
        row.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return RoomUserDto.From(row, await FindUserNameAsync(userId, cancellationToken) ?? string.Empty);
    }

    public async Task<RoomUserDto?> SetHandAsync(string roomId, string userId, DateTime? raisedAt, CancellationToken cancellationToken)
    {
        var row = await db.RoomUsers.FirstOrDefaultAsync(ru => ru.RoomId == roomId && ru.UserId == userId, cancellationToken);
        if (row is null)
        {
            return null;
        }

        row.HandRaisedAt = raisedAt;
        row.UpdatedAt = Timestamps.UtcNow(time);
        await db.SaveChangesAsync(cancellationToken);
        return RoomUserDto.From(row, await FindUserNameAsync(userId, cancellationToken) ?? string.Empty);
    }

    private IQueryable<MemberRow> Members(string roomId, string? userId) =>
        from ru in db.RoomUsers.AsNoTracking()
        where ru.RoomId == roomId && (userId == null || ru.UserId == userId)
        join u in db.Users on ru.UserId equals u.Id
        select new MemberRow(ru, u.Name);

    private sealed record MemberRow(RoomUser Row, string Name);
}
