namespace Parley.Server.Membership;

/// <summary>
/// Room membership log messages (event ids 3100-3199): what an operator follows at Information (who joined and
/// left, and why; the waiting room; host actions; self-repair after a database outage; shutdown) and what went
/// wrong at Warning. docs/operations.md lists them.
/// </summary>
internal static partial class MembershipLog
{
    [LoggerMessage(3100, LogLevel.Information, "User {UserId} joined room {RoomId} on connection {ConnectionId}")]
    public static partial void Joined(ILogger logger, string userId, string roomId, string connectionId);

    [LoggerMessage(3101, LogLevel.Information, "User {UserId} left room {RoomId} (connection {ConnectionId}, reason {Reason})")]
    public static partial void Left(ILogger logger, string userId, string roomId, string connectionId, string reason);

    [LoggerMessage(3102, LogLevel.Information, "User {UserId} joined room {RoomId} again from connection {ConnectionId}; connection {ReplacedConnectionId} was replaced")]
    public static partial void SessionReplaced(ILogger logger, string userId, string roomId, string connectionId, string replacedConnectionId);

    [LoggerMessage(3103, LogLevel.Information, "User {UserId} waits to be admitted to room {RoomId}")]
    public static partial void Waiting(ILogger logger, string userId, string roomId);

    [LoggerMessage(3104, LogLevel.Information, "Host {HostId} admitted user {UserId} to room {RoomId}")]
    public static partial void Admitted(ILogger logger, string hostId, string userId, string roomId);

    [LoggerMessage(3105, LogLevel.Information, "Host {HostId} denied user {UserId} entry to room {RoomId}")]
    public static partial void Denied(ILogger logger, string hostId, string userId, string roomId);

    [LoggerMessage(3106, LogLevel.Information, "Host {HostId} removed user {UserId} from room {RoomId}")]
    public static partial void Removed(ILogger logger, string hostId, string userId, string roomId);

    [LoggerMessage(3107, LogLevel.Information, "Room {RoomId} closed with {MemberCount} members and {WaitingCount} waiting connections")]
    public static partial void RoomClosed(ILogger logger, string roomId, int memberCount, int waitingCount);

    [LoggerMessage(3108, LogLevel.Warning, "Removing user {UserId} from room {RoomId} (connection {ConnectionId}) failed: {Error}; the membership reconciler will retry")]
    public static partial void CleanupFailed(ILogger logger, string connectionId, string userId, string roomId, string error);

    [LoggerMessage(3109, LogLevel.Information, "User {UserId} stopped waiting at the door of room {RoomId}")]
    public static partial void StoppedWaiting(ILogger logger, string userId, string roomId);

    [LoggerMessage(3110, LogLevel.Information, "Connection {ConnectionId} of user {UserId} was dropped: silent past the hub's client timeout")]
    public static partial void ClientTimedOut(ILogger logger, string connectionId, string userId);

    [LoggerMessage(3111, LogLevel.Information, "Reconciler removed user {UserId} from room {RoomId}: the row had no live connection (reason {Reason})")]
    public static partial void StaleRowRemoved(ILogger logger, string userId, string roomId, string reason);

    [LoggerMessage(3112, LogLevel.Information, "Reconciler wrote the media flags of user {UserId} in room {RoomId} (mic {Mic}, camera {Cam}, screen {Screen})")]
    public static partial void FlagsRepaired(ILogger logger, string userId, string roomId, bool mic, bool cam, bool screen);

    [LoggerMessage(3113, LogLevel.Warning, "Membership reconciliation failed: {Error}; retrying in {Delay}")]
    public static partial void ReconcileFailed(ILogger logger, string error, TimeSpan delay);

    [LoggerMessage(3114, LogLevel.Warning, "Writing the media flags of user {UserId} in room {RoomId} failed: {Error}; the membership reconciler will retry")]
    public static partial void FlagsWriteFailed(ILogger logger, string userId, string roomId, string error);

    [LoggerMessage(3115, LogLevel.Information, "Server stopping: removed {MemberCount} participants from {RoomCount} rooms and told {ConnectionCount} connections")]
    public static partial void Drained(ILogger logger, int memberCount, int roomCount, int connectionCount);

    [LoggerMessage(3116, LogLevel.Warning, "Server stopping: clearing room {RoomId} failed: {Error}; its rows go at the next start")]
    public static partial void DrainFailed(ILogger logger, string roomId, string error);

    [LoggerMessage(3117, LogLevel.Information, "User {UserId} lost connection {ConnectionId} in room {RoomId}; their place is kept for {Grace}")]
    public static partial void ConnectionLost(ILogger logger, string userId, string roomId, string connectionId, TimeSpan grace);

    [LoggerMessage(3118, LogLevel.Information, "User {UserId} is back in room {RoomId} on connection {ConnectionId}")]
    public static partial void ConnectionBack(ILogger logger, string userId, string roomId, string connectionId);

    [LoggerMessage(3119, LogLevel.Warning, "Ending the reconnect grace of connection {ConnectionId} failed: {Error}")]
    public static partial void GraceEndFailed(ILogger logger, string connectionId, string error);

    [LoggerMessage(3150, LogLevel.Information, "Host {HostId} made user {UserId} {Role} in room {RoomId}")]
    public static partial void RoleChanged(ILogger logger, string hostId, string userId, string roomId, string role);

    [LoggerMessage(3151, LogLevel.Information, "Host {HostId} ended the meeting in room {RoomId}")]
    public static partial void MeetingEnded(ILogger logger, string hostId, string roomId);
}
