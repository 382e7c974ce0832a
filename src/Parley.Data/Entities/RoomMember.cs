namespace Parley.Data.Entities;

/// <summary>A registered user the owner invited to a room by email: they see it as shared with them and skip its waiting room.</summary>
public class RoomMember
{
    public required string RoomId { get; set; }

    public required string UserId { get; set; }

    public DateTime CreatedAt { get; set; }
}
