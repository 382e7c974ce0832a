using Parley.Media.Codecs;
using Parley.Media.Ortc;
using Parley.Media.Rtc;
using Parley.Media.Rtcp;
using Parley.Media.Rtp;

namespace Parley.Media.Routing;

/// <summary>
/// One incoming RTP stream of a producer (one encoding): its SSRCs, payload type mapping into the router, keyframe
/// detection, and the receive-side state (counters; loss detection, reports and the retransmission buffer hook in
/// here). Runs on the worker thread only.
/// </summary>
internal sealed class ProducerStream : IRetransmissionSource
{
    private const byte Unknown = 0xFF;

    private readonly byte[] _routerPayloadType = new byte[128];
    private readonly byte[] _rtxToMediaPayloadType = new byte[128];
    private readonly VideoCodec[] _codecByPayloadType = new VideoCodec[128];
    private readonly ReceiveStreamStatistics _statistics;
    private readonly NackGenerator? _nackGenerator;
    private readonly RetransmissionBuffer? _retransmissionBuffer;
    private readonly BitrateCalculator _bitrate = new();
    private readonly LayerBitrateMeter? _layerBitrates;
    private readonly KeyFrameSizeMeter _keyFrameSize = new();
    private readonly StreamScore _score = new();
    private readonly RtpStreamCounters _counters = new();
    private readonly ushort[] _nackScratch = new ushort[64];
    private readonly byte _redPayloadType = Unknown;
    private bool _hasSequence;
    private ushort _highestSequence;

    public ProducerStream(Producer producer, int index, RtpEncodingParameters encoding, RtpEncodingMapping mapping, RtpMapping codecMapping)
    {
        Producer = producer;
        Index = index;
        // A RID-only encoding (Chromium's simulcast) has no SSRC until its first packet names its RID (BindSsrc).
        Ssrc = encoding.Ssrc ?? 0;
        IsBound = encoding.Ssrc is not null;
        Rid = encoding.Rid;
        RtxSsrc = encoding.Rtx?.Ssrc;
        MappedSsrc = mapping.MappedSsrc;
        TopTemporalLayer = Math.Max(0, ScalabilityMode.Parse(encoding.ScalabilityMode).TemporalLayers - 1);
        _layerBitrates = producer.Kind == MediaKind.Video ? LayerBitrateMeter.Create(producer, TopTemporalLayer + 1) : null;
        var mediaCodec = producer.RtpParameters.Codecs[0];
        _statistics = new ReceiveStreamStatistics(Ssrc, (uint)mediaCodec.ClockRate);
        var nack = mediaCodec.RtcpFeedback.Any(f => f.Type == "nack" && string.IsNullOrEmpty(f.Parameter));
        if (nack)
        {
            _nackGenerator = new NackGenerator();
        }

        // Consumers may NACK whatever their codec allows; keep a buffer for video and for NACK-capable audio.
        if (nack || producer.Kind == MediaKind.Video)
        {
            _retransmissionBuffer = new RetransmissionBuffer(
                capacity: producer.Kind == MediaKind.Video ? RetransmissionBuffer.DefaultCapacity : 256,
                maxAgeMilliseconds: producer.Kind == MediaKind.Video ? RetransmissionBuffer.DefaultMaxAgeMilliseconds : 1000);
        }

        Array.Fill(_routerPayloadType, Unknown);
        Array.Fill(_rtxToMediaPayloadType, Unknown);
        foreach (var codec in producer.RtpParameters.Codecs)
        {
            var mapped = codecMapping.Codecs.FirstOrDefault(m => m.PayloadType == codec.PayloadType);
            if (mapped is null)
            {
                continue;
            }

            _routerPayloadType[codec.PayloadType] = (byte)mapped.MappedPayloadType;
            if (codec.MimeType.EndsWith("/rtx", StringComparison.OrdinalIgnoreCase))
            {
                if (codec.Parameters.TryGetValue("apt", out var apt) && apt.TryGetInt32(out var mediaPayloadType) && mediaPayloadType is >= 0 and < 128)
                {
                    _rtxToMediaPayloadType[codec.PayloadType] = (byte)mediaPayloadType;
                }
            }
            else
            {
                _codecByPayloadType[codec.PayloadType] = KeyFrameDetector.FromMimeType(codec.MimeType);
                if (codec.MimeType.Equals("audio/red", StringComparison.OrdinalIgnoreCase))
                {
                    _redPayloadType = (byte)codec.PayloadType;
                }
            }
        }
    }

    public Producer Producer { get; }

    /// <summary>Position among the producer's encodings.</summary>
    public int Index { get; }

    /// <summary>The SSRC the remote producer sends media with, as on the wire (0 while <see cref="IsBound"/> is false).</summary>
    public uint Ssrc { get; private set; }

    /// <summary>False for a RID-only encoding until its first packet bound its SSRC.</summary>
    public bool IsBound { get; private set; }

    /// <summary>The encoding's RID, if it was signaled with one.</summary>
    public string? Rid { get; }

    /// <summary>The SSRC of its retransmissions, when it negotiated RTX (and, for a RID-only encoding, one was seen).</summary>
    public uint? RtxSsrc { get; private set; }

    /// <summary>The SSRC the router knows the stream by.</summary>
    public uint MappedSsrc { get; }

    public long KeyFrameCount { get; private set; }

    /// <summary>The size of the stream's last complete keyframe in bytes; 0 before one (and for audio).</summary>
    public int LastKeyFrameBytes => _keyFrameSize.LastKeyFrameBytes;

    /// <summary>The highest temporal layer the encoding sends (its scalability mode's T count minus one; 0 without one).</summary>
    public int TopTemporalLayer { get; }

    /// <summary>When the last packet of this stream arrived (worker clock, ms); meaningless before the first.</summary>
    public long LastPacketAtMs { get; private set; }

    /// <summary>The stream's 0–10 quality score from our receiver reports.</summary>
    public int Score => _score.Score;

    /// <summary>
    /// True while the remote sender is sending this stream: a packet arrived within <paramref name="timeoutMs"/> and
    /// the score is above 0. A simulcast sender stops an encoding when its bandwidth drops; this is how we notice.
    /// </summary>
    public bool IsReceiving(long nowMs, int timeoutMs) =>
        _statistics.PacketCount > 0 && nowMs - LastPacketAtMs < timeoutMs && _score.Score > 0;

    /// <summary>The bitrate received over the last second, in bits per second.</summary>
    public long GetBitrate(long nowMs) => _bitrate.GetBitrate(nowMs);

    /// <summary>
    /// What its layers cost, measured per (spatial, temporal) target when consumers choose among its layers (VP8
    /// temporal layers, SVC); null when they forward it whole (<see cref="GetBitrate"/> is the cost).
    /// </summary>
    public LayerBitrateMeter? LayerBitrates => _layerBitrates;

    /// <summary>The stream's receive statistics (loss, jitter, SR times).</summary>
    public ReceiveStreamStatistics Statistics => _statistics;

    /// <summary>
    /// Takes one packet of this stream (media or RTX), restores RTX to the original, moves it into router space
    /// (router payload type and SSRC) and hands it to the producer. False when its payload type is unknown.
    /// </summary>
    public bool Receive(ref RtpPacket packet, long nowMs)
    {
        var payloadType = packet.PayloadType;
        var isRepair = false;
        if (RtxSsrc == packet.Ssrc)
        {
            var mediaPayloadType = _rtxToMediaPayloadType[payloadType];
            if (mediaPayloadType == Unknown)
            {
                _counters.RtxPacketsDiscarded++;
                return false;
            }

            var repair = Producer.Transport.Worker.RepairScratch;
            if (!RtxPacket.TryUnwrap(packet, repair, Ssrc, mediaPayloadType, out var written)
                || !RtpPacket.TryParse(repair.AsSpan(0, written), out packet))
            {
                return false;
            }

            payloadType = mediaPayloadType;
            isRepair = true;
        }

        var routerPayloadType = _routerPayloadType[payloadType];
        if (routerPayloadType == Unknown || _rtxToMediaPayloadType[payloadType] != Unknown)
        {
            return false;
        }

        var isKeyFrame = KeyFrameDetector.IsKeyFrame(_codecByPayloadType[payloadType], packet.Payload);
        var sequence = packet.SequenceNumber;
        var repaired = _nackGenerator is not null && _nackGenerator.OnPacket(sequence, isKeyFrame, isRepair, nowMs);
        if (isRepair && !repaired)
        {
            // A retransmission nobody asked for: a copy of a packet already here, or the sender's bandwidth probing
            // (Chromium probes with RTX copies of recent packets). Forwarded, it would reach consumers twice, and an old
            // keyframe copy would look like a fresh switching point.
            _counters.RtxPacketsDiscarded++;
            return true;
        }

        if (isKeyFrame)
        {
            KeyFrameCount++;
        }

        var isNewest = !_hasSequence || SequenceNumbers.IsNewer(sequence, _highestSequence);
        if (isNewest)
        {
            _hasSequence = true;
            _highestSequence = sequence;
        }

        LastPacketAtMs = nowMs;
        _statistics.OnPacket(sequence, packet.Timestamp, packet.Length, nowMs, isRepair);
        _bitrate.Update(packet.Length, nowMs);
        _keyFrameSize.OnPacket(isKeyFrame, packet.Timestamp, packet.Length);
        if (repaired)
        {
            _counters.PacketsRepaired++;
        }

        if (_nackGenerator is { HasUnsentNacks: true })
        {
            SendNacks(nowMs);
        }

        // RED blocks name their encodings by the producer's payload types; in router space they name the router's. A
        // malformed one was received (stats, NACK) but goes nowhere.
        if (payloadType == _redPayloadType && !RedPayload.TryMapPayloadTypes(packet.Payload, _routerPayloadType))
        {
            _counters.PacketsDiscarded++;
            return true;
        }

        packet.PayloadType = routerPayloadType;
        packet.Ssrc = MappedSsrc;
        _retransmissionBuffer?.Store(packet.Buffer, sequence, nowMs);

        _layerBitrates?.OnPacket(packet, nowMs);

        // Consumers start forwarding (or switch layers) at a keyframe. Only one that is the newest packet of the stream
        // may start: at a late one (recovered by NACK after newer packets went by) the newer packets, already passed
        // over, would be holes in the consumer's sequence that no NACK can fill, and the receiver would stall.
        Producer.Dispatch(this, packet, isKeyFrame && isNewest, nowMs);
        return true;
    }

    /// <summary>The remote producer's sender report, for LSR/DLSR in our receiver reports.</summary>
    public void OnSenderReport(in RtcpSenderReport report, long nowMs) =>
        _statistics.OnSenderReport(report.NtpTimestamp, report.RtpTimestamp, nowMs);

    /// <summary>A receiver report block for this stream once packets arrived; updates the score.</summary>
    public bool TryGetReportBlock(long nowMs, out RtcpReportBlock block)
    {
        if (_statistics.PacketCount == 0)
        {
            block = default;
            return false;
        }

        block = _statistics.CreateReportBlock(nowMs);
        _score.Update(_statistics.ExpectedPackets, Math.Max(0, _statistics.PacketsLost), _counters.PacketsRepaired, _statistics.RetransmittedPacketCount);
        Producer.UpdateScore();
        return true;
    }

    /// <summary>Copies the router-space packet with sequence number <paramref name="sequence"/>, if still held.</summary>
    public bool TryGetForRetransmission(ushort sequence, long nowMs, Span<byte> destination, out int written)
    {
        written = _retransmissionBuffer?.CopyTo(sequence, nowMs, destination) ?? -1;
        return written > 0;
    }

    /// <summary>On the transport's fast timer: NACK retries, and a keyframe request when losses went unrepaired.</summary>
    public void OnTimer(long nowMs)
    {
        if (_nackGenerator is null)
        {
            return;
        }

        if (_nackGenerator.PendingCount > 0)
        {
            SendNacks(nowMs);
        }

        if (_nackGenerator.KeyFrameRequired && Producer.Kind == MediaKind.Video)
        {
            _nackGenerator.AcknowledgeKeyFrameRequest();
            _counters.PliCount++;
            Producer.RequestKeyFrame(this);
        }
    }

    /// <summary>A RID-only encoding's first packet names its SSRC: the stream is known by it from now on.</summary>
    public void BindSsrc(uint ssrc)
    {
        Ssrc = ssrc;
        IsBound = true;
        _statistics.Ssrc = ssrc;
    }

    /// <summary>A RID-only encoding's first retransmission (its repaired RID) names its RTX SSRC.</summary>
    public void BindRtxSsrc(uint ssrc) => RtxSsrc = ssrc;

    public ProducerStreamStats GetStats(long nowMs) => ProducerStreamStats.Create(
        nowMs,
        Producer.Kind == MediaKind.Audio ? "audio" : "video",
        Producer.RtpParameters.Codecs[0].MimeType,
        _statistics,
        _bitrate,
        _score,
        _counters,
        RtxSsrc,
        Rid,
        Producer.Kind == MediaKind.Video ? LastKeyFrameBytes : null);

    /// <summary>Returns the retransmission buffer's memory to its pool.</summary>
    public void Close() => _retransmissionBuffer?.Dispose();

    private void SendNacks(long nowMs)
    {
        var count = _nackGenerator!.CollectNacks(nowMs, NackGenerator.DefaultRttMilliseconds, _nackScratch);
        if (count > 0)
        {
            _counters.NackCount++;
            _counters.NackPacketCount += count;
            Producer.Transport.SendNack(Ssrc, _nackScratch.AsSpan(0, count));
        }
    }
}
