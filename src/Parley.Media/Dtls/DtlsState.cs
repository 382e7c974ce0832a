namespace Parley.Media.Dtls;

/// <summary>The life cycle of a <see cref="DtlsTransport"/> (the states mediasoup reports as <c>dtlsState</c>).</summary>
public enum DtlsState
{
    /// <summary>Created; the handshake has not started.</summary>
    New,

    /// <summary>The handshake is running.</summary>
    Connecting,

    /// <summary>The handshake completed and the peer's certificate matched its signaled fingerprint.</summary>
    Connected,

    /// <summary>The handshake or the connection failed (fatal alert, fingerprint mismatch, timeout). Terminal.</summary>
    Failed,

    /// <summary>Closed by either side with close_notify, or locally. Terminal.</summary>
    Closed,
}

/// <summary>Data for <see cref="DtlsTransport.StateChanged"/>.</summary>
internal sealed class DtlsStateChangedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="state">The state just entered.</param>
    /// <param name="reason">Why a <see cref="DtlsState.Failed"/> or <see cref="DtlsState.Closed"/> state was entered, if known.</param>
    public DtlsStateChangedEventArgs(DtlsState state, string? reason)
    {
        State = state;
        Reason = reason;
    }

    /// <summary>The state just entered.</summary>
    public DtlsState State { get; }

    /// <summary>Why the transport failed or closed, for logs; null for other states.</summary>
    public string? Reason { get; }
}
