namespace Parley.Data.Entities;

/// <summary>
/// One person's time in one <see cref="MeetingSession"/>: from their first join to their last leave, where a leave
/// followed by a return within the reconnect grace continues the same record.
/// </summary>
public class Attendance
{
    public string Id { get; set; } = IdGenerator.NewId();

    public required string SessionId { get; set; }

    public required string UserId { get; set; }

    public DateTime JoinedAt { get; set; }

    /// <summary>Their latest leave; null while they are in the room.</summary>
    public DateTime? LeftAt { get; set; }

    /// <summary>When their current stretch in the room began; null while they are out.</summary>
    public DateTime? PresentSince { get; set; }

    /// <summary>Time in the room over the stretches that ended (the current one is added when read).</summary>
    public long Seconds { get; set; }

    /// <summary>They produced camera video at least once.</summary>
    public bool UsedCam { get; set; }

    /// <summary>They shared their screen at least once.</summary>
    public bool UsedScreen { get; set; }
}
