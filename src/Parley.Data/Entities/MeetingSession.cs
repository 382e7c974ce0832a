namespace Parley.Data.Entities;

/// <summary>
/// One meeting in a room: from the first person joining a room nobody was in to the last one leaving (or the
/// meeting being ended, or the room deleted). Written by the history writer, off the join path.
/// </summary>
public class MeetingSession
{
    public string Id { get; set; } = IdGenerator.NewId();

    public required string RoomId { get; set; }

    public DateTime StartedAt { get; set; }

    /// <summary>
    /// The node whose history writer last wrote the session (its <c>Node:Id</c>): at start-up a node closes only the
    /// sessions it (or a node no longer alive) left open. Null for sessions written before nodes were recorded.
    /// </summary>
    public string? NodeId { get; set; }

    /// <summary>Null while the meeting is on.</summary>
    public DateTime? EndedAt { get; set; }

    /// <summary>The most people in the room at once during the session.</summary>
    public int PeakParticipants { get; set; }

    /// <summary>How many different people attended.</summary>
    public int ParticipantCount { get; set; }
}
