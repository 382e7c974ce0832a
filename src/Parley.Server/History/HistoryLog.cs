namespace Parley.Server.History;

/// <summary>Room history log messages (event ids 3900-3949); docs/operations.md lists them.</summary>
internal static partial class HistoryLog
{
    [LoggerMessage(3900, LogLevel.Warning, "A history record of room {RoomId} was not written ({Change}): {Reason}")]
    public static partial void WriteFailed(ILogger logger, string roomId, string change, string reason);

    [LoggerMessage(3901, LogLevel.Information, "History retention deleted {Count} sessions that ended before {Cutoff:O}")]
    public static partial void Purged(ILogger logger, int count, DateTime cutoff);

    [LoggerMessage(3902, LogLevel.Warning, "The history retention cleanup failed and runs again in {Interval}: {Reason}")]
    public static partial void PurgeFailed(ILogger logger, TimeSpan interval, string reason);

    [LoggerMessage(3903, LogLevel.Information, "User {UserId} deleted the record of session {SessionId} of room {RoomId}")]
    public static partial void SessionDeleted(ILogger logger, string userId, string sessionId, string roomId);

    [LoggerMessage(3905, LogLevel.Warning, "The server stopped with {Count} history changes not yet written; they are lost")]
    public static partial void Dropped(ILogger logger, int count);

    [LoggerMessage(3904, LogLevel.Information, "{Count} sessions left open by an earlier run were closed at their last activity")]
    public static partial void OrphansClosed(ILogger logger, int count);
}
