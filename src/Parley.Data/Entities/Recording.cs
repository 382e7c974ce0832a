namespace Parley.Data.Entities;

/// <summary>
/// One recording of a room's meeting: made while <see cref="Status"/> is <see cref="RecordingStatuses.Recording"/>,
/// composed into one file while <see cref="RecordingStatuses.Processing"/>, then ready or failed. Goes with its room.
/// </summary>
public class Recording
{
    public string Id { get; set; } = IdGenerator.NewId();

    public required string RoomId { get; set; }

    /// <summary>The host who started it.</summary>
    public string? StartedByUserId { get; set; }

    public DateTime StartedAt { get; set; }

    /// <summary>
    /// The node that records (or composes) it (its <c>Node:Id</c>): at start-up a node recovers only the recordings it
    /// (or a node no longer alive) left open. Null for recordings made before nodes were recorded.
    /// </summary>
    public string? NodeId { get; set; }

    /// <summary>When the recording stopped (null while it runs).</summary>
    public DateTime? EndedAt { get; set; }

    /// <summary>The composed file's duration; null until it is ready.</summary>
    public double? DurationSeconds { get; set; }

    /// <summary>The composed file's size; null until it is ready.</summary>
    public long? SizeBytes { get; set; }

    /// <summary>One of <see cref="RecordingStatuses"/>.</summary>
    public required string Status { get; set; }

    /// <summary>The composed file's media type (e.g. <c>video/webm</c>); null until it is ready.</summary>
    public string? MimeType { get; set; }

    /// <summary>The composed file's name inside the recording's folder; null until it is ready.</summary>
    public string? FileName { get; set; }

    /// <summary>How far the composition got, 0–100 (while processing).</summary>
    public int Progress { get; set; }

    /// <summary>Why it failed, in words a person can act on; null otherwise.</summary>
    public string? Error { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>The values of <see cref="Recording.Status"/>, as the contract spells them.</summary>
public static class RecordingStatuses
{
    public const string Recording = "recording";

    public const string Processing = "processing";

    public const string Ready = "ready";

    public const string Failed = "failed";
}
