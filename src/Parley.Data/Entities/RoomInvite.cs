namespace Parley.Data.Entities;

/// <summary>
/// An invite link to a room: whoever has its <see cref="Token"/> may find and join the room while it is valid (not
/// revoked, not expired, not used up), skipping the waiting room when <see cref="SkipWaitingRoom"/> is set.
/// </summary>
public class RoomInvite
{
    public string Id { get; set; } = IdGenerator.NewId();

    public required string RoomId { get; set; }

    /// <summary>The unguessable secret in the link (256 random bits, base64url), unique.</summary>
    public required string Token { get; set; }

    /// <summary>The host who made it.</summary>
    public required string CreatedById { get; set; }

    public DateTime? ExpiresAt { get; set; }

    /// <summary>Joins it allows; null for no limit.</summary>
    public int? MaxUses { get; set; }

    /// <summary>Joins made with it so far.</summary>
    public int Uses { get; set; }

    public bool SkipWaitingRoom { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}
