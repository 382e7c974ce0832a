namespace Parley.Media.Rtcp;

/// <summary>RTCP packet types (IANA "RTP Control Protocol packet types").</summary>
internal enum RtcpPacketType : byte
{
    /// <summary>SR, RFC 3550 §6.4.1.</summary>
    SenderReport = 200,

    /// <summary>RR, RFC 3550 §6.4.2.</summary>
    ReceiverReport = 201,

    /// <summary>SDES, RFC 3550 §6.5.</summary>
    SourceDescription = 202,

    /// <summary>BYE, RFC 3550 §6.6.</summary>
    Goodbye = 203,

    /// <summary>APP, RFC 3550 §6.7.</summary>
    ApplicationDefined = 204,

    /// <summary>RTPFB, transport layer feedback (RFC 4585 §6.2).</summary>
    TransportFeedback = 205,

    /// <summary>PSFB, payload-specific feedback (RFC 4585 §6.3).</summary>
    PayloadFeedback = 206,

    /// <summary>XR, RFC 3611.</summary>
    ExtendedReport = 207,
}

/// <summary>Feedback message types (FMT) carried in the count field of RTPFB and PSFB packets.</summary>
internal static class RtcpFeedbackFormat
{
    /// <summary>RTPFB generic NACK (RFC 4585 §6.2.1).</summary>
    public const int GenericNack = 1;

    /// <summary>RTPFB transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01).</summary>
    public const int TransportWideCc = 15;

    /// <summary>PSFB picture loss indication (RFC 4585 §6.3.1).</summary>
    public const int PictureLossIndication = 1;

    /// <summary>PSFB full intra request (RFC 5104 §4.3.1).</summary>
    public const int FullIntraRequest = 4;

    /// <summary>PSFB application layer feedback, used by REMB (draft-alvestrand-rmcat-remb).</summary>
    public const int ApplicationLayer = 15;
}
