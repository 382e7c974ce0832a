namespace Parley.Data.Entities;

/// <summary>
/// One chat message in a room, to everyone or privately to one person. Kept with the room and deleted with it;
/// the sender's name is the one they had when they sent it.
/// </summary>
public class ChatMessage
{
    /// <summary>The room's message order (ids are random): paging goes by room and this.</summary>
    public long Sequence { get; set; }

    /// <summary>The public id (<c>chatMessage.id</c>).</summary>
    public string Id { get; set; } = IdGenerator.NewId();

    public required string RoomId { get; set; }

    public required string FromUserId { get; set; }

    /// <summary>The sender's display name at send time.</summary>
    public required string FromName { get; set; }

    /// <summary>The one recipient of a private message; null for a message to everyone.</summary>
    public string? ToUserId { get; set; }

    /// <summary>Plain text, 1 to 2,000 characters; never interpreted as HTML.</summary>
    public required string Text { get; set; }

    public DateTime CreatedAt { get; set; }
}
