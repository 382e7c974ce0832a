namespace Parley.Media.Transports;

/// <summary>Why a <see cref="WebRtcConnection"/> dropped a received or outgoing packet.</summary>
internal enum WebRtcDropReason
{
    /// <summary>DTLS, RTP or RTCP from a tuple that has not passed a valid ICE check.</summary>
    UnvalidatedTuple,

    /// <summary>DTLS before <see cref="WebRtcConnection.Connect"/> gave the remote DTLS parameters.</summary>
    BeforeDtlsStarted,

    /// <summary>RTP or RTCP before DTLS completed and SRTP keys existed.</summary>
    BeforeSrtpKeys,

    /// <summary>SRTP/SRTCP that did not authenticate, or was too short to.</summary>
    SrtpAuthenticationFailed,

    /// <summary>SRTP/SRTCP replayed, or too old for the replay window.</summary>
    SrtpReplay,

    /// <summary>A packet to send while no ICE tuple is selected.</summary>
    NoSelectedTuple,

    /// <summary>A packet to send that is not valid RTP/RTCP or does not fit.</summary>
    InvalidOutgoing,

    /// <summary>The connection is closed.</summary>
    Closed,
}
