namespace Parley.Data.Entities;

/// <summary>
/// An endpoint a user registered to be told about meetings: one room's (<see cref="RoomId"/> set), or every room
/// the owner has (<see cref="RoomId"/> null).
/// </summary>
public class Webhook
{
    public string Id { get; set; } = IdGenerator.NewId();

    /// <summary>The user who registered it; only they see and delete it.</summary>
    public required string OwnerId { get; set; }

    /// <summary>The one room it follows, or null for all of the owner's rooms.</summary>
    public string? RoomId { get; set; }

    /// <summary>An absolute http or https URL.</summary>
    public required string Url { get; set; }

    /// <summary>The event types it wants (e.g. <c>participant.joined</c>).</summary>
    public List<string> Events { get; set; } = [];

    /// <summary>The HMAC key of <c>Parley-Signature</c> (its UTF-8 bytes), shown once when registered.</summary>
    public required string Secret { get; set; }

    /// <summary>Deliveries given up in a row; reset by a delivered one.</summary>
    public int ConsecutiveFailures { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>When it was switched off after too many given-up deliveries; nothing is delivered to it after.</summary>
    public DateTime? DisabledAt { get; set; }
}
