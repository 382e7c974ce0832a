using Microsoft.Extensions.Logging;
using Parley.Media.Transports;

namespace Parley.Media.Diagnostics;

/// <summary>
/// The media engine's log lines (event ids 5001–5099). Faults are bugs and log at Error; what a fault closed logs at
/// Warning; the ordinary end of a transport logs at Debug, so a healthy meeting is quiet at Information.
/// </summary>
internal static partial class MediaEngineLog
{
    /// <summary>The logger category of the workers and everything on them.</summary>
    public const string WorkerCategory = "Parley.Media.Worker";

    [LoggerMessage(5001, LogLevel.Error, "Handling a datagram on media worker {Worker} failed; the datagram was dropped")]
    public static partial void DatagramFailed(ILogger logger, Exception exception, string worker);

    [LoggerMessage(5002, LogLevel.Error, "A timer on media worker {Worker} failed; it was stopped and what it belongs to is closed")]
    public static partial void TimerFailed(ILogger logger, Exception exception, string worker);

    [LoggerMessage(5003, LogLevel.Error, "Media worker {Worker} failed in its own work ({Work}); it carries on")]
    public static partial void LoopWorkFailed(ILogger logger, Exception exception, string worker, string work);

    [LoggerMessage(5004, LogLevel.Warning, "Transport {TransportId} on media worker {Worker} was closed by a fault in its callbacks")]
    public static partial void TransportClosedByFault(ILogger logger, string transportId, string worker);

    [LoggerMessage(5005, LogLevel.Debug, "Transport {TransportId} closed: {Reason}")]
    public static partial void TransportClosed(ILogger logger, string transportId, TransportCloseReason reason);

    [LoggerMessage(5006, LogLevel.Information, "Transport {TransportId} closed: {Reason}")]
    public static partial void TransportFailed(ILogger logger, string transportId, TransportCloseReason reason);
}
