using Parley.Server.Telemetry;

namespace Parley.Server.Membership;

/// <summary>Why a participant's place in a room ended: the <c>reason</c> of <c>userLeft</c>.</summary>
internal enum LeftReason
{
    /// <summary><c>leaveRoom</c>, or the connection closed.</summary>
    Left,

    /// <summary>A host removed them.</summary>
    Removed,

    /// <summary>Their client went silent for longer than the hub's client timeout.</summary>
    Disconnected,

    /// <summary>The room was deleted.</summary>
    Ended,

    /// <summary>The server is stopping (no <c>userLeft</c> goes out: everyone gets <c>serverShuttingDown</c>).</summary>
    ServerShutdown,
}

internal static class LeftReasons
{
    /// <summary>The contract's name for the reason, as sent in <c>userLeft</c>.</summary>
    public static string WireName(this LeftReason reason) => reason switch
    {
        LeftReason.Removed => "removed",
        LeftReason.Disconnected => "disconnected",
        LeftReason.Ended => "ended",
        LeftReason.ServerShutdown => "shutdown",
        _ => "left",
    };

    public static LeaveReason ForMetrics(this LeftReason reason) => reason switch
    {
        LeftReason.Removed => LeaveReason.Removed,
        LeftReason.Ended => LeaveReason.RoomClosed,
        _ => LeaveReason.Left,
    };
}
