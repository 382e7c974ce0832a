namespace Parley.Server.Chat;

/// <summary>
/// Chat log messages (event ids 3700-3799). Message text and names are personal data and are never logged;
/// docs/operations.md lists the ids.
/// </summary>
internal static partial class ChatLog
{
    [LoggerMessage(3700, LogLevel.Information, "Host {HostId} deleted chat message {MessageId} in room {RoomId}")]
    public static partial void Deleted(ILogger logger, string hostId, string messageId, string roomId);

    [LoggerMessage(3701, LogLevel.Debug, "User {UserId} in room {RoomId} was refused a chat message: over the rate")]
    public static partial void RateLimited(ILogger logger, string userId, string roomId);
}
