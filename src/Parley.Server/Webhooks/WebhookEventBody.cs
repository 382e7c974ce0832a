namespace Parley.Server.Webhooks;

/// <summary>The body of every delivery: <c>{id, type, createdAt, data}</c>; <see cref="Id"/> is the delivery's id.</summary>
internal sealed record WebhookEventBody(string Id, string Type, DateTime CreatedAt, object Data);

/// <summary><c>meeting.started</c>: the first person joined the room.</summary>
internal sealed record MeetingStartedData(string RoomId);

/// <summary><c>meeting.ended</c>: the last person left; <see cref="Reason"/> is that last leave's (<c>ended</c> when the room was deleted).</summary>
internal sealed record MeetingEndedData(string RoomId, string Reason);

/// <summary><c>participant.joined</c>.</summary>
internal sealed record ParticipantJoinedData(string RoomId, string UserId, string? Name);

/// <summary><c>participant.left</c>, with the <c>userLeft</c> reason (<c>left</c>, <c>removed</c>, <c>disconnected</c>, <c>ended</c>, <c>shutdown</c>).</summary>
internal sealed record ParticipantLeftData(string RoomId, string UserId, string? Name, string Reason);

/// <summary><c>recording.ready</c>: a recording was composed; download it from <c>/api/recordings/{recordingId}/file</c>.</summary>
internal sealed record RecordingReadyData(string RoomId, string RecordingId, double DurationSeconds, long SizeBytes, string MimeType);
