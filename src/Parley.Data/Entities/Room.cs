namespace Parley.Data.Entities;

/// <summary>A meeting room, found by its id or by its six-character join code.</summary>
public class Room
{
    public string Id { get; set; } = IdGenerator.NewId();

    /// <summary>1–100 characters after trimming.</summary>
    public required string Name { get; set; }

    /// <summary>Six characters from <see cref="JoinCodes.Alphabet"/>, stored upper-case, unique.</summary>
    public required string JoinCode { get; set; }

    /// <summary>When set, people not in <see cref="Users"/> wait for the host to admit them.</summary>
    public bool RequireAccessBeforeJoining { get; set; }

    /// <summary>Ids of the users granted access (the owner, and everyone the host admitted).</summary>
    public List<string> Users { get; set; } = [];

    public required string OwnerId { get; set; }

    /// <summary>Ids of the users the owner named co-hosts (hosts like the owner, except for naming co-hosts).</summary>
    public List<string> CoHostIds { get; set; } = [];

    public RoomSettings Settings { get; set; } = new();

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}
