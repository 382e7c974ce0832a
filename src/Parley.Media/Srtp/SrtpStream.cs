namespace Parley.Media.Srtp;

/// <summary>The per-SSRC state of one direction: SRTP index tracking and, for SRTCP, the send counter or receive window.</summary>
internal struct SrtpStream
{
    /// <summary>SRTP indices seen (receive) or sent (send): the highest gives the rollover counter.</summary>
    public SrtpReplayWindow Rtp;

    /// <summary>SRTCP indices received.</summary>
    public SrtpReplayWindow Rtcp;

    /// <summary>The SRTCP index the next sent packet gets.</summary>
    public uint NextRtcpIndex;
}
