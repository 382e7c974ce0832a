namespace Parley.Data.Entities;

/// <summary>
/// A user who is in a room right now (has a live signaling connection joined to it), with the media
/// the server is forwarding for them.
/// </summary>
public class RoomUser
{
    public string Id { get; set; } = IdGenerator.NewId();

    public required string RoomId { get; set; }

    public required string UserId { get; set; }

    public bool IsMicActive { get; set; }

    public bool IsCamActive { get; set; }

    public bool IsShareScreen { get; set; }

    /// <summary><see cref="RoomRoles.Participant"/> or <see cref="RoomRoles.Host"/>.</summary>
    public string Role { get; set; } = RoomRoles.Participant;

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public Room? Room { get; set; }

    public ParleyUser? User { get; set; }
}

/// <summary>The values of <see cref="RoomUser.Role"/>.</summary>
public static class RoomRoles
{
    public const string Participant = "participant";
    public const string Host = "host";
}
