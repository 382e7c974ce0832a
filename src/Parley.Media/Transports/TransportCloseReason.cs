namespace Parley.Media.Transports;

/// <summary>Why a transport closed (<see cref="Transport.CloseReason"/>, set before <see cref="Transport.Closed"/> is raised).</summary>
public enum TransportCloseReason
{
    /// <summary>The application closed it.</summary>
    Closed,

    /// <summary>Its router (or the router's worker) closed.</summary>
    RouterClosed,

    /// <summary>One of its callbacks on the worker threw (a bug, logged at Error); what it left broken is closed.</summary>
    Fault,

    /// <summary>ICE closed (the remote side left or stopped answering).</summary>
    IceClosed,

    /// <summary>The DTLS handshake failed (or timed out).</summary>
    DtlsFailed,

    /// <summary>The remote side closed DTLS.</summary>
    DtlsClosed,
}
