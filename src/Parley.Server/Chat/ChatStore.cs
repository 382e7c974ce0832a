using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Entities;

namespace Parley.Server.Chat;

/// <summary>The <c>chat_message</c> table: one short query per call.</summary>
internal sealed class ChatStore(ParleyDbContext db)
{
    /// <summary>Whether the room exists and has chat on; null when the room is gone.</summary>
    public async Task<bool?> IsChatEnabledAsync(string roomId, CancellationToken cancellationToken)
    {
        var room = await db.Rooms.AsNoTracking().Where(r => r.Id == roomId).Select(r => new { r.Settings }).FirstOrDefaultAsync(cancellationToken);
        return room?.Settings.ChatEnabled;
    }

    public Task<string?> FindUserNameAsync(string userId, CancellationToken cancellationToken) =>
        db.Users.Where(u => u.Id == userId).Select(u => u.Name).FirstOrDefaultAsync(cancellationToken);

    /// <summary>Stores a message; null when its room was deleted meanwhile (the room's deletion does not wait for chat).</summary>
    public async Task<ChatMessageDto?> AddAsync(ChatMessage message, CancellationToken cancellationToken)
    {
        db.ChatMessages.Add(message);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (!await db.Rooms.AnyAsync(r => r.Id == message.RoomId, cancellationToken))
            {
                return null;
            }

            throw;
        }

        db.ChangeTracker.Clear();
        return ChatMessageDto.From(message);
    }

    /// <summary>A message of the room by its id, or null.</summary>
    public async Task<ChatMessageDto?> FindAsync(string roomId, string messageId, CancellationToken cancellationToken)
    {
        var message = await db.ChatMessages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == messageId && m.RoomId == roomId, cancellationToken);
        return message is null ? null : ChatMessageDto.From(message);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> messages <paramref name="readerId"/> may read, older than message
    /// <paramref name="before"/> (the newest when null), newest last; null when <paramref name="before"/> is not a
    /// message of this room.
    /// </summary>
    public async Task<IReadOnlyList<ChatMessageDto>?> PageAsync(string roomId, string readerId, string? before, int limit, CancellationToken cancellationToken)
    {
        var visible = db.ChatMessages.AsNoTracking()
            .Where(m => m.RoomId == roomId && (m.ToUserId == null || m.ToUserId == readerId || m.FromUserId == readerId));
        if (before is not null)
        {
            var sequence = await db.ChatMessages.Where(m => m.Id == before && m.RoomId == roomId).Select(m => (long?)m.Sequence).FirstOrDefaultAsync(cancellationToken);
            if (sequence is null)
            {
                return null;
            }

            visible = visible.Where(m => m.Sequence < sequence);
        }

        var newestFirst = await visible.OrderByDescending(m => m.Sequence).Take(limit).ToListAsync(cancellationToken);
        newestFirst.Reverse();
        return newestFirst.ConvertAll(ChatMessageDto.From);
    }

    /// <summary>Deletes a message of the room; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string roomId, string messageId, CancellationToken cancellationToken) =>
        await db.ChatMessages.Where(m => m.Id == messageId && m.RoomId == roomId).ExecuteDeleteAsync(cancellationToken) > 0;
}
