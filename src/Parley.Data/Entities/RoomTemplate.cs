namespace Parley.Data.Entities;

/// <summary>A user's saved room settings, to create rooms from (the built-in templates are not stored).</summary>
public class RoomTemplate
{
    public string Id { get; set; } = IdGenerator.NewId();

    /// <summary>The user who saved it; only they see, change and use it.</summary>
    public required string OwnerId { get; set; }

    /// <summary>1–100 characters after trimming.</summary>
    public required string Name { get; set; }

    public bool RequireAccessBeforeJoining { get; set; }

    public RoomSettings Settings { get; set; } = new();

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}
