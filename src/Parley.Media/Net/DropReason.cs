namespace Parley.Media.Net;

/// <summary>Why a <see cref="WebRtcServer"/> dropped a packet.</summary>
internal enum DropReason
{
    /// <summary>A STUN request whose USERNAME names no registered transport.</summary>
    UnknownUsernameFragment,

    /// <summary>A packet from a tuple that has not passed a valid ICE check for any transport.</summary>
    UnknownTuple,

    /// <summary>Not STUN, DTLS, RTP or RTCP, or a STUN message that does not parse.</summary>
    Malformed,

    /// <summary>Larger than <see cref="WebRtcServerOptions.MaxPacketSize"/>.</summary>
    TooLarge,

    /// <summary>An outgoing packet that could not be sent (no such tuple or connection, or a socket error).</summary>
    SendFailed,

    /// <summary>The transport threw while handling the packet (a bug there; the server keeps running).</summary>
    TransportError,
}
