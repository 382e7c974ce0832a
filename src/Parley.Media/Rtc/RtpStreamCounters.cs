namespace Parley.Media.Rtc;

/// <summary>
/// Per-stream event counters the statistics classes do not see: RTCP feedback sent or received, packets dropped
/// and packets repaired. The owning producer or consumer bumps them; the stats records read them.
/// </summary>
internal sealed class RtpStreamCounters
{
    /// <summary>Generic NACK packets (sent for an incoming stream, received for an outgoing one).</summary>
    public long NackCount { get; set; }

    /// <summary>Sequence numbers those NACKs named.</summary>
    public long NackPacketCount { get; set; }

    /// <summary>PLIs (sent for an incoming stream, received for an outgoing one).</summary>
    public long PliCount { get; set; }

    /// <summary>FIRs (sent for an incoming stream, received for an outgoing one).</summary>
    public long FirCount { get; set; }

    /// <summary>Packets dropped (invalid, unknown payload type, duplicate).</summary>
    public long PacketsDiscarded { get; set; }

    /// <summary>Lost packets recovered by RTX or a late arrival.</summary>
    public long PacketsRepaired { get; set; }

    /// <summary>RTX packets dropped (no matching original, padding-only probes).</summary>
    public long RtxPacketsDiscarded { get; set; }
}
