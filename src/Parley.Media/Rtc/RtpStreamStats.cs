using System.Text.Json.Serialization;

namespace Parley.Media.Rtc;

/// <summary>
/// Fields shared by the stats of a received and a sent RTP stream, named as mediasoup's <c>getStats()</c> names
/// them (camelCase under <c>JsonSerializerDefaults.Web</c>).
/// </summary>
public abstract record RtpStreamStats
{
    /// <summary><c>inbound-rtp</c> or <c>outbound-rtp</c>.</summary>
    [JsonPropertyOrder(-1)]
    public abstract string Type { get; }

    /// <summary>When the stats were taken, in the worker's milliseconds.</summary>
    public long Timestamp { get; init; }

    /// <summary>SSRC of the media stream.</summary>
    public uint Ssrc { get; init; }

    /// <summary>SSRC of its RTX stream, when negotiated.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public uint? RtxSsrc { get; init; }

    /// <summary>RID of the simulcast encoding, when it has one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Rid { get; init; }

    /// <summary><c>audio</c> or <c>video</c>.</summary>
    public string Kind { get; init; } = "";

    /// <summary>Codec MIME type, e.g. <c>video/VP8</c>.</summary>
    public string MimeType { get; init; } = "";

    /// <summary>Cumulative packets lost (RFC 3550), negative when duplicates outnumber losses.</summary>
    public long PacketsLost { get; init; }

    /// <summary>Fraction lost in the last report interval, in 1/256 (0–255).</summary>
    public int FractionLost { get; init; }

    /// <summary>Packets dropped.</summary>
    public long PacketsDiscarded { get; init; }

    /// <summary>Packets retransmitted (received through RTX for a producer, resent for a consumer).</summary>
    public long PacketsRetransmitted { get; init; }

    /// <summary>Lost packets recovered.</summary>
    public long PacketsRepaired { get; init; }

    /// <summary>Generic NACK packets.</summary>
    public long NackCount { get; init; }

    /// <summary>Sequence numbers named in those NACKs.</summary>
    public long NackPacketCount { get; init; }

    /// <summary>PLIs.</summary>
    public long PliCount { get; init; }

    /// <summary>FIRs.</summary>
    public long FirCount { get; init; }

    /// <summary>Quality score, 0–10.</summary>
    public int Score { get; init; }

    /// <summary>Packets received or sent.</summary>
    public long PacketCount { get; init; }

    /// <summary>Bytes received or sent.</summary>
    public long ByteCount { get; init; }

    /// <summary>Current bitrate in bits per second.</summary>
    public long Bitrate { get; init; }

    /// <summary>Round-trip time in milliseconds, when known.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? RoundTripTime { get; init; }

    /// <summary>Interarrival jitter in RTP timestamp units (for a consumer: as the receiver reported it).</summary>
    public uint Jitter { get; init; }
}

/// <summary>Stats of a stream a producer receives (mediasoup's <c>RtpStreamRecvStats</c>).</summary>
public sealed record ProducerStreamStats : RtpStreamStats
{
    /// <inheritdoc/>
    public override string Type => "inbound-rtp";

    /// <summary>RTX packets dropped, when the stream has RTX.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? RtxPacketsDiscarded { get; init; }

    /// <summary>Size of the last complete keyframe received, in bytes of RTP (0 before one); video only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? KeyFrameBytes { get; init; }

    /// <summary>Builds the stats of an incoming stream from its components.</summary>
    internal static ProducerStreamStats Create(
        long nowMilliseconds,
        string kind,
        string mimeType,
        ReceiveStreamStatistics statistics,
        BitrateCalculator bitrate,
        StreamScore score,
        RtpStreamCounters counters,
        uint? rtxSsrc = null,
        string? rid = null,
        int? keyFrameBytes = null) => new()
    {
        Timestamp = nowMilliseconds,
        Ssrc = statistics.Ssrc,
        RtxSsrc = rtxSsrc,
        Rid = rid,
        Kind = kind,
        MimeType = mimeType,
        PacketsLost = statistics.PacketsLost,
        FractionLost = statistics.FractionLost,
        PacketsDiscarded = counters.PacketsDiscarded,
        PacketsRetransmitted = statistics.RetransmittedPacketCount,
        PacketsRepaired = counters.PacketsRepaired,
        NackCount = counters.NackCount,
        NackPacketCount = counters.NackPacketCount,
        PliCount = counters.PliCount,
        FirCount = counters.FirCount,
        Score = score.Score,
        PacketCount = statistics.PacketCount,
        ByteCount = statistics.ByteCount,
        Bitrate = bitrate.GetBitrate(nowMilliseconds),
        Jitter = statistics.Jitter,
        RtxPacketsDiscarded = rtxSsrc is null ? null : counters.RtxPacketsDiscarded,
        KeyFrameBytes = keyFrameBytes,
    };
}

/// <summary>Stats of a stream a consumer sends (mediasoup's <c>RtpStreamSendStats</c>).</summary>
public sealed record ConsumerStreamStats : RtpStreamStats
{
    /// <inheritdoc/>
    public override string Type => "outbound-rtp";

    /// <summary>Builds the stats of an outgoing stream from its components and the receiver's reports.</summary>
    internal static ConsumerStreamStats Create(
        long nowMilliseconds,
        string kind,
        string mimeType,
        SendStreamStatistics statistics,
        BitrateCalculator bitrate,
        StreamScore score,
        RtpStreamCounters counters,
        uint? rtxSsrc = null) => new()
    {
        Timestamp = nowMilliseconds,
        Ssrc = statistics.Ssrc,
        RtxSsrc = rtxSsrc,
        Kind = kind,
        MimeType = mimeType,
        PacketsLost = statistics.RemotePacketsLost,
        FractionLost = statistics.RemoteFractionLost,
        PacketsDiscarded = counters.PacketsDiscarded,
        PacketsRetransmitted = statistics.PacketsRetransmitted,
        PacketsRepaired = counters.PacketsRepaired,
        NackCount = counters.NackCount,
        NackPacketCount = counters.NackPacketCount,
        PliCount = counters.PliCount,
        FirCount = counters.FirCount,
        Score = score.Score,
        PacketCount = statistics.PacketCount + statistics.PacketsRetransmitted,
        ByteCount = statistics.ByteCount + statistics.BytesRetransmitted,
        Bitrate = bitrate.GetBitrate(nowMilliseconds),
        RoundTripTime = statistics.RoundTripTimeMilliseconds > 0 ? statistics.RoundTripTimeMilliseconds : null,
        Jitter = statistics.RemoteJitter,
    };
}
