using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Entities;
using Parley.Server.Validation;

namespace Parley.Server.Rooms;

/// <summary>
/// Rooms in the database: create (with a unique join code), find, list, change and delete. The HTTP
/// endpoints and the hub both go through it; it checks ownership, callers check input shape.
/// </summary>
public sealed partial class RoomService(
    ParleyDbContext db,
    IJoinCodeGenerator joinCodes,
    IRoomNotifier notifier,
    TimeProvider time,
    ILogger<RoomService> logger)
{
    /// <summary>How many join codes <see cref="CreateAsync"/> tries before giving up.</summary>
    public const int MaxJoinCodeAttempts = 10;

    public const int MaxNameLength = 100;

    /// <summary>
    /// Trims <paramref name="raw"/> and checks it is 1–<see cref="MaxNameLength"/> characters of visible, well-formed text.
    /// </summary>
    /// <returns>The trimmed name, or null with <paramref name="error"/> saying what is wrong.</returns>
    public static string? NormalizeName(string? raw, out string? error) =>
        TextInput.NormalizeName(raw, "name", "the room's name", MaxNameLength, out error);

    /// <summary>
    /// Creates a room owned by <paramref name="ownerId"/> (who is also put in <see cref="Room.Users"/>),
    /// with a fresh join code. <paramref name="name"/> must already be normalized.
    /// </summary>
    /// <returns>Ok with the room; Forbidden for a guest; UnknownUser when the owner does not exist.</returns>
    /// <param name="baseSettings">The settings <paramref name="settings"/> changes (a template's); the defaults when null.</param>
    public async Task<RoomOutcome> CreateAsync(
        string ownerId, string name, bool requireAccessBeforeJoining, RoomSettingsPatch settings, CancellationToken cancellationToken,
        RoomSettings? baseSettings = null)
    {
        var isGuest = await db.Users
            .Where(u => u.Id == ownerId)
            .Select(u => (bool?)u.IsGuest)
            .FirstOrDefaultAsync(cancellationToken);
        if (isGuest is null)
        {
            return RoomOutcome.UnknownUser;
        }

        if (isGuest.Value)
        {
            return RoomOutcome.Forbidden;
        }

        var now = Timestamps.UtcNow(time);
        var room = new Room
        {
            Name = name,
            JoinCode = string.Empty,
            OwnerId = ownerId,
            RequireAccessBeforeJoining = requireAccessBeforeJoining,
            Users = [ownerId],
            Settings = settings.Apply(baseSettings ?? new RoomSettings()),
            CreatedAt = now,
            UpdatedAt = now,
        };

        for (var attempt = 1; ; attempt++)
        {
            var code = joinCodes.NewCode();
            if (await JoinCodeTakenAsync(code, cancellationToken))
            {
                LogJoinCodeCollision(logger, attempt);
                ThrowIfOutOfAttempts(attempt);
                continue;
            }

            room.JoinCode = code;
            if (db.Entry(room).State == EntityState.Detached)
            {
                db.Rooms.Add(room);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                db.Entry(room).State = EntityState.Detached;
                return RoomOutcome.Ok(room);
            }
            catch (DbUpdateException)
            {
                // The unique index is the last guard: another request took the code between our check and insert.
                if (attempt >= MaxJoinCodeAttempts || !await JoinCodeTakenAsync(code, cancellationToken))
                {
                    throw;
                }

                LogJoinCodeCollision(logger, attempt);
            }
        }
    }

    /// <summary>The room with this join code (any case), or null; malformed codes find nothing.</summary>
    public async Task<Room?> FindByJoinCodeAsync(string joinCode, CancellationToken cancellationToken)
    {
        var code = JoinCodes.Normalize(joinCode);
        return code is null
            ? null
            : await db.Rooms.AsNoTracking().FirstOrDefaultAsync(r => r.JoinCode == code, cancellationToken);
    }

    /// <summary>The room with this id, or null (also for a string that cannot be an id).</summary>
    public async Task<Room?> FindAsync(string roomId, CancellationToken cancellationToken) =>
        IdGenerator.IsWellFormed(roomId)
            ? await db.Rooms.AsNoTracking().FirstOrDefaultAsync(r => r.Id == roomId, cancellationToken)
            : null;

    /// <summary>
    /// Whether <paramref name="userId"/> may read the room's participant list: always, unless the room admits
    /// people at the door and they are neither its owner nor in <see cref="Room.Users"/> (admitted once).
    /// </summary>
    public static bool MaySeeParticipants(Room room, string userId) =>
        !room.RequireAccessBeforeJoining || room.OwnerId == userId || room.Users.Contains(userId);

    /// <summary>Who is in the room right now (its <c>room_user</c> rows with names), earliest first.</summary>
    public async Task<IReadOnlyList<RoomUserDto>> GetUsersAsync(string roomId, CancellationToken cancellationToken) =>
        !IdGenerator.IsWellFormed(roomId) ? [] : await db.RoomUsers.AsNoTracking()
            .Where(ru => ru.RoomId == roomId)
            .OrderBy(ru => ru.CreatedAt)
            .ThenBy(ru => ru.Id)
            .Select(ru => new RoomUserDto(
                ru.Id, ru.RoomId, ru.UserId, ru.User!.Name, ru.Role,
                ru.IsMicActive, ru.IsCamActive, ru.IsShareScreen, ru.CreatedAt, ru.UpdatedAt, ru.HandRaisedAt))
            .ToListAsync(cancellationToken);

    /// <summary>The rooms <paramref name="ownerId"/> owns, newest first.</summary>
    public async Task<IReadOnlyList<Room>> ListOwnedAsync(string ownerId, CancellationToken cancellationToken) =>
        await db.Rooms.AsNoTracking()
            .Where(r => r.OwnerId == ownerId)
            .OrderByDescending(r => r.CreatedAt)
            .ThenByDescending(r => r.Id)
            .ToListAsync(cancellationToken);

    /// <summary>
    /// Renames the room, changes whether it requires access and/or changes its settings; null arguments leave a
    /// field as it is. <paramref name="name"/> must already be normalized. A change reaches everyone in the room
    /// as <c>roomUpdated</c> (through <see cref="IRoomNotifier"/>).
    /// </summary>
    /// <returns>Ok with the room; NotFound; Forbidden when <paramref name="callerId"/> is not a host (owner or co-host).</returns>
    public async Task<RoomOutcome> UpdateAsync(
        string roomId, string callerId, string? name, bool? requireAccessBeforeJoining, RoomSettingsPatch settings, CancellationToken cancellationToken)
    {
        if (!IdGenerator.IsWellFormed(roomId))
        {
            return RoomOutcome.NotFound;
        }

        var room = await db.Rooms.FirstOrDefaultAsync(r => r.Id == roomId, cancellationToken);
        if (room is null)
        {
            return RoomOutcome.NotFound;
        }

        if (room.OwnerId != callerId && !room.CoHostIds.Contains(callerId))
        {
            return RoomOutcome.Forbidden;
        }

        var changed = false;
        if (name is not null && name != room.Name)
        {
            room.Name = name;
            changed = true;
        }

        if (requireAccessBeforeJoining is { } require && require != room.RequireAccessBeforeJoining)
        {
            room.RequireAccessBeforeJoining = require;
            changed = true;
        }

        var newSettings = settings.Apply(room.Settings);
        if (newSettings != room.Settings)
        {
            room.Settings = newSettings;
            changed = true;
        }

        if (changed)
        {
            room.UpdatedAt = Timestamps.UtcNow(time);
            await db.SaveChangesAsync(cancellationToken);
        }

        db.Entry(room).State = EntityState.Detached;
        if (changed)
        {
            await NotifyUpdatedAsync(room);
        }

        return RoomOutcome.Ok(room);
    }

    /// <summary>
    /// Gives the room a new join code; the old one finds nothing from then on.
    /// </summary>
    /// <returns>Ok with the room; NotFound; Forbidden when <paramref name="callerId"/> is not the owner.</returns>
    public async Task<RoomOutcome> NewJoinCodeAsync(string roomId, string callerId, CancellationToken cancellationToken)
    {
        if (!IdGenerator.IsWellFormed(roomId))
        {
            return RoomOutcome.NotFound;
        }

        var room = await db.Rooms.FirstOrDefaultAsync(r => r.Id == roomId, cancellationToken);
        if (room is null)
        {
            return RoomOutcome.NotFound;
        }

        if (room.OwnerId != callerId)
        {
            return RoomOutcome.Forbidden;
        }

        for (var attempt = 1; ; attempt++)
        {
            var code = joinCodes.NewCode();
            if (code == room.JoinCode || await JoinCodeTakenAsync(code, cancellationToken))
            {
                LogJoinCodeCollision(logger, attempt);
                ThrowIfOutOfAttempts(attempt);
                continue;
            }

            room.JoinCode = code;
            room.UpdatedAt = Timestamps.UtcNow(time);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                break;
            }
            catch (DbUpdateException) when (attempt < MaxJoinCodeAttempts)
            {
                // Another room took the code between the check and the write: try another.
                LogJoinCodeCollision(logger, attempt);
            }
        }

        db.Entry(room).State = EntityState.Detached;
        await NotifyUpdatedAsync(room);
        return RoomOutcome.Ok(room);
    }

    private async Task NotifyUpdatedAsync(Room room)
    {
        try
        {
            await notifier.RoomUpdatedAsync(RoomDto.From(room), CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The change is committed either way; a failed notification must not turn it into an error.
            LogRoomUpdatedNotificationFailed(logger, room.Id, ex);
        }
    }

    /// <summary>
    /// Deletes the room (its <c>room_user</c> rows go with it) and then tells <see cref="IRoomNotifier"/>.
    /// </summary>
    /// <returns>Ok (no room); NotFound; Forbidden when <paramref name="callerId"/> is not the owner.</returns>
    public async Task<RoomOutcome> DeleteAsync(string roomId, string callerId, CancellationToken cancellationToken)
    {
        if (!IdGenerator.IsWellFormed(roomId))
        {
            return RoomOutcome.NotFound;
        }

        var ownerId = await db.Rooms
            .Where(r => r.Id == roomId)
            .Select(r => r.OwnerId)
            .FirstOrDefaultAsync(cancellationToken);
        if (ownerId is null)
        {
            return RoomOutcome.NotFound;
        }

        if (ownerId != callerId)
        {
            return RoomOutcome.Forbidden;
        }

        var deleted = await db.Rooms
            .Where(r => r.Id == roomId && r.OwnerId == callerId)
            .ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            return RoomOutcome.NotFound;
        }

        LogRoomDeleted(logger, roomId);
        try
        {
            await notifier.RoomClosedAsync(roomId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The room is gone either way; a failed notification must not turn the delete into an error.
            LogRoomClosedNotificationFailed(logger, roomId, ex);
        }

        return new RoomOutcome(RoomOutcomeStatus.Ok);
    }

    private Task<bool> JoinCodeTakenAsync(string code, CancellationToken cancellationToken) =>
        db.Rooms.AnyAsync(r => r.JoinCode == code, cancellationToken);

    private static void ThrowIfOutOfAttempts(int attempt)
    {
        if (attempt >= MaxJoinCodeAttempts)
        {
            throw new InvalidOperationException($"No free join code after {MaxJoinCodeAttempts} attempts.");
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Join code collision on attempt {Attempt}; trying another")]
    private static partial void LogJoinCodeCollision(ILogger logger, int attempt);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Room {RoomId} deleted")]
    private static partial void LogRoomDeleted(ILogger logger, string roomId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Telling room {RoomId} that it closed failed")]
    private static partial void LogRoomClosedNotificationFailed(ILogger logger, string roomId, Exception exception);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Telling room {RoomId} that it changed failed")]
    private static partial void LogRoomUpdatedNotificationFailed(ILogger logger, string roomId, Exception exception);
}
