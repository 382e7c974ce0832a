namespace Parley.Server.RoomMedia;

internal static partial class MediaLog
{
    [LoggerMessage(3201, LogLevel.Information, "Media engine listening on {Address} (UDP {UdpPort}, TCP {TcpPort}) with {Workers} workers")]
    public static partial void Started(ILogger logger, string address, int udpPort, int tcpPort, int workers);

    [LoggerMessage(3202, LogLevel.Information, "Router {RouterId} created for room {RoomId}")]
    public static partial void RouterCreated(ILogger logger, string routerId, string roomId);

    [LoggerMessage(3203, LogLevel.Information, "Router of room {RoomId} closed after being idle")]
    public static partial void RouterClosed(ILogger logger, string roomId);

    [LoggerMessage(3204, LogLevel.Warning, "Media clean-up failed for room {RoomId}")]
    public static partial void CleanupFailed(ILogger logger, Exception exception, string roomId);

    [LoggerMessage(3205, LogLevel.Warning, "A listener failed to handle media event {EventName}")]
    public static partial void EventFailed(ILogger logger, Exception exception, string eventName);

    [LoggerMessage(3206, LogLevel.Debug, "Consumer priorities of room {RoomId} not updated after a speaker change ({Reason})")]
    public static partial void PrioritiesNotUpdated(ILogger logger, string roomId, string reason);
}
