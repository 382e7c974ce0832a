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

    /// <summary>One of <see cref="RoomRoles"/>.</summary>
    public string Role { get; set; } = RoomRoles.Participant;

    /// <summary>When they raised their hand (the queue's order); null when it is down.</summary>
    public DateTime? HandRaisedAt { get; set; }

    /// <summary>
    /// The server node that holds the user's connection (<c>Node:Id</c>): at start-up a node deletes only its own
    /// rows, and the other nodes delete a dead node's rows once its heartbeat expires.
    /// </summary>
    public string NodeId { get; set; } = string.Empty;

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public Room? Room { get; set; }

    public ParleyUser? User { get; set; }
}

/// <summary>The values of <see cref="RoomUser.Role"/>.</summary>
public static class RoomRoles
{
    public const string Host = "host";
    public const string CoHost = "co-host";
    public const string Participant = "participant";

    /// <summary>Watches and chats, cannot produce.</summary>
    public const string Viewer = "viewer";

    /// <summary>The owner and the co-hosts.</summary>
    public static bool IsHost(string role) => role is Host or CoHost;
}
