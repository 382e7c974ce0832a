namespace Parley.Server.Membership;

/// <summary>Room membership log messages (event ids 3100-3199).</summary>
internal static partial class MembershipLog
{
    [LoggerMessage(3100, LogLevel.Debug, "User {UserId} joined room {RoomId} on connection {ConnectionId}")]
    public static partial void Joined(ILogger logger, string userId, string roomId, string connectionId);

    [LoggerMessage(3101, LogLevel.Debug, "User {UserId} left room {RoomId} (connection {ConnectionId})")]
    public static partial void Left(ILogger logger, string userId, string roomId, string connectionId);

    [LoggerMessage(3102, LogLevel.Information, "User {UserId} joined room {RoomId} again from connection {ConnectionId}; connection {ReplacedConnectionId} was replaced")]
    public static partial void SessionReplaced(ILogger logger, string userId, string roomId, string connectionId, string replacedConnectionId);

    [LoggerMessage(3103, LogLevel.Debug, "User {UserId} waits to be admitted to room {RoomId}")]
    public static partial void Waiting(ILogger logger, string userId, string roomId);

    [LoggerMessage(3104, LogLevel.Information, "Host {HostId} admitted user {UserId} to room {RoomId}")]
    public static partial void Admitted(ILogger logger, string hostId, string userId, string roomId);

    [LoggerMessage(3105, LogLevel.Information, "Host {HostId} denied user {UserId} entry to room {RoomId}")]
    public static partial void Denied(ILogger logger, string hostId, string userId, string roomId);

    [LoggerMessage(3106, LogLevel.Information, "Host {HostId} removed user {UserId} from room {RoomId}")]
    public static partial void Removed(ILogger logger, string hostId, string userId, string roomId);

    [LoggerMessage(3107, LogLevel.Information, "Room {RoomId} closed with {MemberCount} members and {WaitingCount} waiting connections")]
    public static partial void RoomClosed(ILogger logger, string roomId, int memberCount, int waitingCount);

    [LoggerMessage(3108, LogLevel.Error, "Cleaning up connection {ConnectionId} of user {UserId} in room {RoomId} failed")]
    public static partial void CleanupFailed(ILogger logger, Exception exception, string connectionId, string userId, string roomId);
}
