using Parley.Data.Entities;

namespace Parley.Server.Recording;

/// <summary>The contract's <c>recording</c>.</summary>
internal sealed record RecordingDto(
    string Id, string RoomId, DateTime StartedAt, DateTime? EndedAt, double? DurationSeconds, long? SizeBytes,
    string Status, string? MimeType, string? Error)
{
    public static RecordingDto From(Data.Entities.Recording row) => new(
        row.Id, row.RoomId, row.StartedAt, row.EndedAt, row.DurationSeconds, row.SizeBytes, row.Status,
        row.Status == RecordingStatuses.Ready ? row.MimeType : null, row.Error);
}

/// <summary><c>{recording}</c>.</summary>
internal sealed record RecordingResponse(RecordingDto Recording);

/// <summary><c>{recordings}</c>, newest first.</summary>
internal sealed record RecordingListResponse(IReadOnlyList<RecordingDto> Recordings);

/// <summary>A room's running recording as the hub reports it: <c>joinRoom</c>'s <c>recording</c> and <c>recordingStarted</c>.</summary>
internal sealed record ActiveRecording(string RecordingId, DateTime StartedAt);

/// <summary><c>startRecording</c>'s answer.</summary>
internal sealed record RecordingStartedResult(string RecordingId);

/// <summary>The recording events the hub sends to everyone in the room.</summary>
internal static class RecordingEventNames
{
    public const string RecordingStarted = "recordingStarted";
    public const string RecordingStopped = "recordingStopped";
}

/// <summary>A start or stop the server refuses, with the reason for the caller.</summary>
internal sealed class RecordingRefusedException(string message) : Exception(message);
