namespace Parley.Server.Recording;

/// <summary>The recording's log lines (event ids 5100–5199).</summary>
internal static partial class RecordingLog
{
    [LoggerMessage(5100, LogLevel.Information, "Recording {RecordingId} of room {RoomId} started by {UserId}")]
    public static partial void Started(ILogger logger, string recordingId, string roomId, string userId);

    [LoggerMessage(5101, LogLevel.Information, "Recording {RecordingId} of room {RoomId} stopped ({Reason}); {Tracks} track segments")]
    public static partial void Stopped(ILogger logger, string recordingId, string roomId, string reason, int tracks);

    [LoggerMessage(5102, LogLevel.Information, "Recording {RecordingId}: track {Track} ({Codec}) recording from {OffsetSeconds:0.000} s")]
    public static partial void TrackStarted(ILogger logger, string recordingId, string track, string codec, double offsetSeconds);

    [LoggerMessage(5103, LogLevel.Warning, "Recording {RecordingId}: ffmpeg of track {Track} exited unexpectedly (code {ExitCode}): {Error}; restarting from a keyframe, gap from {GapStartSeconds:0.000} s")]
    public static partial void TrackCrashed(ILogger logger, string recordingId, string track, int? exitCode, string error, double gapStartSeconds);

    [LoggerMessage(5104, LogLevel.Warning, "Recording {RecordingId}: track {Track} could not be recorded: {Reason}")]
    public static partial void TrackFailed(ILogger logger, string recordingId, string track, string reason);

    [LoggerMessage(5105, LogLevel.Information, "Recording {RecordingId}: composing {Tracks} track segments, {DurationSeconds:0.0} s")]
    public static partial void Composing(ILogger logger, string recordingId, int tracks, double durationSeconds);

    [LoggerMessage(5106, LogLevel.Information, "Recording {RecordingId}: composition {Percent} %")]
    public static partial void Progress(ILogger logger, string recordingId, int percent);

    [LoggerMessage(5107, LogLevel.Information, "Recording {RecordingId} is ready: {SizeBytes} bytes, {DurationSeconds:0.0} s, composed in {ElapsedSeconds:0.0} s")]
    public static partial void Ready(ILogger logger, string recordingId, long sizeBytes, double durationSeconds, double elapsedSeconds);

    [LoggerMessage(5108, LogLevel.Warning, "Recording {RecordingId} failed: {Error}")]
    public static partial void Failed(ILogger logger, string recordingId, string error);

    [LoggerMessage(5109, LogLevel.Information, "Recording refused in room {RoomId}: {Reason}")]
    public static partial void Refused(ILogger logger, string roomId, string reason);

    [LoggerMessage(5110, LogLevel.Warning, "Recording {RecordingId} was left {Status} by the last run; {Action}")]
    public static partial void Recovered(ILogger logger, string recordingId, string status, string action);

    [LoggerMessage(5111, LogLevel.Warning, "Killed an ffmpeg left over by the last run (pid {Pid})")]
    public static partial void OrphanKilled(ILogger logger, int pid);

    [LoggerMessage(5112, LogLevel.Warning, "Recording files of {Path} could not be removed: {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string path, string reason);

    [LoggerMessage(5113, LogLevel.Error, "Recording work for room {RoomId} failed")]
    public static partial void Unexpected(ILogger logger, Exception exception, string roomId);

    [LoggerMessage(5114, LogLevel.Error, "Composition of recording {RecordingId} failed unexpectedly; the next recordings are composed all the same")]
    public static partial void CompositionFault(ILogger logger, Exception exception, string recordingId);

    [LoggerMessage(5115, LogLevel.Information, "Download of recording {RecordingId} refused: {Reason}")]
    public static partial void DownloadRefused(ILogger logger, string recordingId, string reason);
}
