namespace Parley.Server.Membership;

/// <summary>
/// Hears what happened in rooms once it is in the database (meetings starting and ending, people joining and
/// leaving), for work that follows membership but is not part of it, such as webhooks. The membership service
/// calls it under the room's lock, so one room's activities arrive in the order they happened.
/// </summary>
internal interface IRoomActivitySink
{
    /// <summary>
    /// Records activities in order. It must be quick (write, never deliver) and must not throw: a failure here
    /// is the sink's to log, never a reason to refuse a join or a leave.
    /// </summary>
    Task RecordAsync(IReadOnlyList<RoomActivity> activities);
}

/// <summary>Something that happened in a room.</summary>
internal abstract record RoomActivity(string RoomId);

/// <summary>The first person joined a room nobody was in.</summary>
internal sealed record MeetingStarted(string RoomId, string OwnerId) : RoomActivity(RoomId);

/// <summary>Someone joined the room (not a reconnect that replaced their own session).</summary>
internal sealed record ParticipantJoined(string RoomId, string UserId) : RoomActivity(RoomId);

/// <summary>Someone's place in the room ended, and why.</summary>
internal sealed record ParticipantLeft(string RoomId, string UserId, LeftReason Reason) : RoomActivity(RoomId);

/// <summary>The last person left, the room was deleted, or the server stopped with people in it.</summary>
internal sealed record MeetingEnded(string RoomId, LeftReason Reason) : RoomActivity(RoomId);

/// <summary>A recording of the room was composed and can be downloaded.</summary>
internal sealed record RecordingReady(string RoomId, string RecordingId, double DurationSeconds, long SizeBytes, string MimeType) : RoomActivity(RoomId);
