using System.Buffers.Binary;
using Parley.Media.Ortc;
using Parley.Media.Rtc;
using Parley.Media.Rtcp;
using Parley.Media.Rtp;

namespace Parley.Media.Routing;

/// <summary>
/// One RTP stream a consumer sends (mediasoup's RtpStreamSend): the consumer's SSRC, payload types and header
/// extension IDs, its own sequence numbers and timestamps (<see cref="RtpSequencer"/>), retransmission on NACK (as RTX
/// when negotiated), sender reports and the stream's stats. A forwarded packet and its retransmission go through the
/// same rewrite, so a NACKed packet goes out again exactly as it first did. The packets are held once, in router
/// space, by the producer stream they came from (<see cref="IRetransmissionSource"/>); a retransmission maps the
/// NACKed sequence number back to that packet and rewrites it again. Which packets to send is the consumer's choice;
/// this class only sends them. Worker thread only; nothing on the per-packet path allocates.
/// </summary>
internal sealed class RtpSendStream
{
    private const byte NoPayloadType = 0xFF;

    private readonly IRtpSendTarget _target;
    private readonly byte[] _scratch;
    private readonly IRtpPayloadRewriter? _payloadRewriter;
    private readonly IRtpPacketRewriter? _packetRewriter;
    private readonly bool[] _sendsPayloadType = new bool[128];
    private readonly byte[] _extensionIdMap = new byte[256];
    private readonly RtpSequencer _sequencer;
    private readonly byte _rtxPayloadType = NoPayloadType;
    private readonly byte _redToUnwrap = NoPayloadType;
    private readonly byte[] _cname;
    private readonly SendStreamStatistics _statistics;
    private readonly BitrateCalculator _bitrate = new();
    private readonly StreamScore _score = new();
    private readonly Pacing.RetransmissionGate _resends = new(Pacing.RetransmissionLimiterOptions.Default);
    private ushort _rtxSequence;
    private int _probeCursor;

    /// <summary>How far back from the newest packet probe copies go (each probe packet takes the next older one).</summary>
    internal const int ProbeDepth = 8;

    /// <param name="producerParameters">The producer's parameters, whose header extension IDs packets arrive with.</param>
    /// <param name="consumerParameters">The consumer's parameters; the stream sends its first encoding.</param>
    /// <param name="target">Where packets go (the consumer's transport).</param>
    /// <param name="scratch">Where outgoing copies are written, one at a time (the worker's send buffer).</param>
    /// <param name="payloadRewriter">A codec's rewrite of the payload (VP8 picture IDs), or null.</param>
    /// <param name="packetRewriter">An SVC consumer's rewrite of the whole packet (marker bit, dependency descriptor), or null.</param>
    /// <param name="redToUnwrap">
    /// The router payload type of RED (RFC 2198) packets this stream sends as their primary encoding alone, for a
    /// receiver that did not negotiate RED; null when it sends none.
    /// </param>
    public RtpSendStream(
        RtpParameters producerParameters,
        RtpParameters consumerParameters,
        IRtpSendTarget target,
        byte[] scratch,
        IRtpPayloadRewriter? payloadRewriter = null,
        IRtpPacketRewriter? packetRewriter = null,
        byte? redToUnwrap = null)
    {
        _target = target;
        _scratch = scratch;
        _payloadRewriter = payloadRewriter;
        _packetRewriter = packetRewriter;
        var encoding = consumerParameters.Encodings[0];
        Ssrc = encoding.Ssrc ?? throw new ArgumentException("The consumer's encoding has no SSRC.", nameof(consumerParameters));
        RtxSsrc = encoding.Rtx?.Ssrc;
        var mediaCodec = consumerParameters.Codecs[0];
        ClockRate = mediaCodec.ClockRate;
        MimeType = mediaCodec.MimeType;
        _sequencer = new RtpSequencer(ClockRate);
        _statistics = new SendStreamStatistics(Ssrc, (uint)ClockRate);
        _cname = System.Text.Encoding.UTF8.GetBytes(consumerParameters.Rtcp.Cname ?? "");
        foreach (var codec in consumerParameters.Codecs)
        {
            if (!codec.MimeType.EndsWith("/rtx", StringComparison.OrdinalIgnoreCase))
            {
                _sendsPayloadType[codec.PayloadType] = true;
            }
            else if (codec.Parameters.TryGetValue("apt", out var apt) && apt.TryGetInt32(out var media) && media == mediaCodec.PayloadType)
            {
                _rtxPayloadType = (byte)codec.PayloadType;
            }
        }

        if (redToUnwrap is { } red && !_sendsPayloadType[red])
        {
            _redToUnwrap = red;
        }

        BuildExtensionIdMap(producerParameters, consumerParameters, _extensionIdMap, keepDependencyDescriptor: packetRewriter is not null);
    }

    /// <summary>The SSRC of the media the stream sends.</summary>
    public uint Ssrc { get; }

    /// <summary>The SSRC of its retransmissions, when RTX was negotiated.</summary>
    public uint? RtxSsrc { get; }

    /// <summary>The media codec's clock rate.</summary>
    public int ClockRate { get; }

    /// <summary>The media codec's MIME type.</summary>
    public string MimeType { get; }

    /// <summary>The stream's 0–10 quality score from the receiver's reports.</summary>
    public int Score => _score.Score;

    /// <summary>True once a packet has gone out (a BYE then has something to end).</summary>
    public bool HasSent => _sequencer.HasSent;

    /// <summary>What the stream sent over the last second, bits per second.</summary>
    public long GetBitrate(long nowMs) => _bitrate.GetBitrate(nowMs);

    /// <summary>The round trip measured from the receiver's last report (0 before one).</summary>
    public double RoundTripTimeMilliseconds => _statistics.RoundTripTimeMilliseconds;

    /// <summary>What decides whether a NACKed packet is resent (counts of refusals by reason).</summary>
    internal Pacing.RetransmissionGate Resends => _resends;

    /// <summary>NACK, PLI and FIR counts for stats.</summary>
    public RtpStreamCounters Counters { get; } = new();

    /// <summary>Whether the stream sends media of router payload type <paramref name="payloadType"/>.</summary>
    public bool SendsPayloadType(byte payloadType) => _sendsPayloadType[payloadType] || payloadType == _redToUnwrap;

    /// <summary>Makes the next packet start a new period (a resume): it continues the sequence, timed by the wall clock.</summary>
    public void RequestSync() => _sequencer.RequestSync();

    /// <summary>
    /// Makes the next packet start a new period whose first packet stands for the instant that
    /// <paramref name="previousSourceTimestamp"/> stood for in the source sent until now (a simulcast switch that
    /// placed the new stream's packet on the old stream's clock).
    /// </summary>
    public void RequestSync(uint previousSourceTimestamp) => _sequencer.RequestSync(_sequencer.MapTimestamp(previousSourceTimestamp));

    /// <summary>Sends this stream's copy of a router-space packet; false when it did not go out. The hot path.</summary>
    public bool Send(in RtpPacket packet, long nowMs)
    {
        var copy = _scratch.AsSpan();
        var length = Rewrite(packet, copy);
        if (length == 0)
        {
            Skip(packet, nowMs);
            return false;
        }

        if (!_sequencer.TryRewrite(packet.SequenceNumber, packet.Timestamp, nowMs, out var sequence, out var timestamp))
        {
            return false;
        }

        Stamp(copy, sequence, timestamp);
        _target.SendRtp(copy[..length], isRetransmission: false);
        _resends.OnSent(sequence, length, nowMs * 1000);
        _statistics.OnPacketSent(timestamp, length, nowMs);
        _bitrate.Update(length, nowMs);
        return true;
    }

    /// <summary>
    /// Leaves a packet out without a hole in the sequence numbers: the newest closes up; a late one keeps its number,
    /// which a padding-only packet fills (a receiver takes padding as received and does not ask for it again).
    /// </summary>
    public void Skip(in RtpPacket packet, long nowMs)
    {
        if (!_sequencer.Skip(packet.SequenceNumber, packet.Timestamp, out var sequence, out var timestamp))
        {
            return;
        }

        var padding = _scratch.AsSpan(0, RtpPacket.FixedHeaderLength + 1);
        padding[0] = 0xA0; // version 2, P
        padding[1] = packet.PayloadType;
        Stamp(padding, sequence, timestamp);
        padding[^1] = 1; // the padding length, this byte included
        _target.SendRtp(padding, isRetransmission: false);
        _statistics.OnPacketSent(timestamp, padding.Length, nowMs);
    }

    /// <summary>
    /// The receiver lost <paramref name="lost"/>: each one still held by <paramref name="source"/> (the stream sent in
    /// the current period) goes out again, rewritten as when it was forwarded, as RTX when negotiated. No allocation.
    /// </summary>
    public void Retransmit(NackLostSequenceEnumerator lost, IRetransmissionSource? source, long nowMs)
    {
        Counters.NackCount++;
        if (source is null)
        {
            return; // between simulcast layers: nothing sent in this period to resend
        }

        Span<byte> original = stackalloc byte[PacketBufferPool.BufferLength];
        Span<byte> rtx = stackalloc byte[PacketBufferPool.BufferLength];
        foreach (var sequence in lost)
        {
            Counters.NackPacketCount++;
            if (!_sequencer.TryMapBack(sequence, out var inputSequence)
                || !source.TryGetForRetransmission(inputSequence, nowMs, original, out var written)
                || !RtpPacket.TryParse(original[..written], out var packet))
            {
                continue;
            }

            var copy = _scratch.AsSpan();
            var length = Rewrite(packet, copy);
            if (length == 0)
            {
                continue;
            }

            // A storm of repairs into a link that is already losing packets only loses more (the limiter says when).
            if (!_resends.TryResend(sequence, length, nowMs * 1000))
            {
                continue;
            }

            var timestamp = _sequencer.MapTimestamp(packet.Timestamp);
            Stamp(copy, sequence, timestamp);
            if (_rtxPayloadType != NoPayloadType && RtxSsrc is { } rtxSsrc)
            {
                if (RtpPacket.TryParse(copy[..length], out var outgoing)
                    && RtxPacket.TryWrap(outgoing, rtx, rtxSsrc, _rtxPayloadType, _rtxSequence++, out var rtxLength))
                {
                    _target.SendRtp(rtx[..rtxLength], isRetransmission: true);
                    _statistics.OnPacketSent(timestamp, rtxLength, nowMs, isRetransmission: true);
                }
            }
            else
            {
                _target.SendRtp(copy[..length], isRetransmission: true);
                _statistics.OnPacketSent(timestamp, length, nowMs, isRetransmission: true);
            }
        }
    }

    /// <summary>True when the stream can send padding-only RTX packets (RTX negotiated).</summary>
    public bool CanPad => _rtxPayloadType != NoPayloadType && RtxSsrc is not null;

    /// <summary>
    /// Writes an RTX copy (RFC 4588) of one of the <see cref="ProbeDepth"/> packets sent last, still held by
    /// <paramref name="source"/>, rewritten exactly as it first went out: libwebrtc's payload padding, probe traffic that
    /// carries useful redundancy (a receiver that lost the packet recovers it; one that has it drops the duplicate).
    /// Successive calls walk back from the newest packet. Not a retransmission: no limiter, no NACK bookkeeping.
    /// False without RTX or when none of them is held any more.
    /// </summary>
    public bool TryWriteRecentAsRtx(IRetransmissionSource? source, long nowMs, Span<byte> destination, out int written)
    {
        written = 0;
        if (!CanPad || source is null || !_sequencer.HasSent)
        {
            return false;
        }

        Span<byte> original = stackalloc byte[PacketBufferPool.BufferLength];
        Span<byte> copy = stackalloc byte[PacketBufferPool.BufferLength];
        var newest = _sequencer.HighestSequence;
        for (var tried = 0; tried < ProbeDepth; tried++)
        {
            var sequence = (ushort)(newest - _probeCursor);
            _probeCursor = (_probeCursor + 1) % ProbeDepth;
            if (!_sequencer.TryMapBack(sequence, out var inputSequence)
                || !source.TryGetForRetransmission(inputSequence, nowMs, original, out var length)
                || !RtpPacket.TryParse(original[..length], out var packet))
            {
                continue;
            }

            var rewritten = Rewrite(packet, copy);
            if (rewritten == 0)
            {
                continue;
            }

            Stamp(copy, sequence, _sequencer.MapTimestamp(packet.Timestamp));
            if (RtpPacket.TryParse(copy[..rewritten], out var outgoing)
                && RtxPacket.TryWrap(outgoing, destination, RtxSsrc!.Value, _rtxPayloadType, _rtxSequence, out written))
            {
                _rtxSequence++;
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Writes a padding-only RTX packet (libwebrtc's probe padding: the receiver discards it) with
    /// <paramref name="paddingLength"/> bytes of padding (1–255) on the next RTX sequence number; false without RTX.
    /// </summary>
    public bool TryWritePadding(Span<byte> destination, int paddingLength, out int written)
    {
        written = 0;
        paddingLength = Math.Clamp(paddingLength, 1, 255);
        if (!CanPad || destination.Length < RtpPacket.FixedHeaderLength + paddingLength)
        {
            return false;
        }

        destination[0] = 0xA0; // version 2, P
        destination[1] = _rtxPayloadType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], _rtxSequence++);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], _sequencer.HighestTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], RtxSsrc!.Value);
        var padding = destination.Slice(RtpPacket.FixedHeaderLength, paddingLength);
        padding.Clear();
        padding[^1] = (byte)paddingLength;
        written = RtpPacket.FixedHeaderLength + paddingLength;
        return true;
    }

    /// <summary>A report block about this stream from the receiver.</summary>
    public void OnReceiverReport(in RtcpReportBlock block, long nowMs)
    {
        _statistics.OnReceiverReport(block, nowMs);
        if (_statistics.RoundTripTimeMilliseconds > 0)
        {
            _resends.Limiter.SetRoundTripTime((long)(_statistics.RoundTripTimeMilliseconds * 1000));
        }
        _score.Update(
            _statistics.RemoteExtendedHighestSequence == 0 ? 0 : _statistics.PacketCount,
            Math.Max(0, _statistics.RemotePacketsLost),
            Counters.PacketsRepaired,
            _statistics.PacketsRetransmitted);
    }

    /// <summary>
    /// Writes an SR (<paramref name="ntpNow"/> and the RTP timestamp of the same instant) and an SDES with the CNAME;
    /// false before anything was sent.
    /// </summary>
    public bool TryWriteSenderReport(Span<byte> destination, long nowMs, ulong ntpNow, out int written)
    {
        written = 0;
        if (!_statistics.CanSendSenderReport)
        {
            return false;
        }

        var composer = new RtcpComposer(destination);
        if (!composer.TryAddSenderReport(_statistics, nowMs, ntpNow) || (_cname.Length > 0 && !composer.TryAddCname(Ssrc, _cname)))
        {
            return false;
        }

        written = composer.Length;
        return true;
    }

    /// <summary>The stream's <c>outbound-rtp</c> stats.</summary>
    public ConsumerStreamStats GetStats(long nowMs, MediaKind kind) => ConsumerStreamStats.Create(
        nowMs, kind == MediaKind.Audio ? "audio" : "video", MimeType, _statistics, _bitrate, _score, Counters, RtxSsrc);

    /// <summary>
    /// Maps each producer header extension ID to the consumer's ID for the same URI (0: dropped). Transport-level
    /// extensions describe the producer's hop, not ours, so they never pass: MID, RID and repaired RID (the consumer
    /// is identified by SSRC), abs-send-time and transport-wide-cc (bandwidth estimation writes its own). The dependency descriptor
    /// describes the producer's layers: it passes only to a stream whose packet rewriter rewrites it for the layers sent.
    /// </summary>
    internal static void BuildExtensionIdMap(RtpParameters producer, RtpParameters consumer, Span<byte> map, bool keepDependencyDescriptor = false)
    {
        map.Clear();
        foreach (var produced in producer.HeaderExtensions)
        {
            if (produced.Id is <= 0 or > 255 || IsTransportLevel(produced.Uri)
                || (!keepDependencyDescriptor && produced.Uri == RtpHeaderExtensionUris.DependencyDescriptor))
            {
                continue;
            }

            var consumed = consumer.HeaderExtensions.FirstOrDefault(e => e.Uri == produced.Uri);
            if (consumed is { Id: > 0 and <= 255 })
            {
                map[produced.Id] = (byte)consumed.Id;
            }
        }
    }

    private static bool IsTransportLevel(string uri) => uri is RtpHeaderExtensionUris.Mid or RtpHeaderExtensionUris.RtpStreamId
        or RtpHeaderExtensionUris.RepairedRtpStreamId or RtpHeaderExtensionUris.AbsSendTime or RtpHeaderExtensionUris.TransportWideCcDraft01;

    /// <summary>
    /// The one rewrite of a router-space packet into this stream's form, for forwarding and retransmission alike:
    /// header extensions renumbered, then the codec's payload rewrite. Returns the length; 0 when it does not fit or
    /// the payload rewrite refuses it (a picture left out). The numbers are stamped after (<see cref="Stamp"/>).
    /// </summary>
    private int Rewrite(in RtpPacket packet, Span<byte> destination)
    {
        var length = RtpHeaderRewriter.Write(packet, _extensionIdMap, destination);
        if (length == 0)
        {
            return 0;
        }

        var payloadStart = length - packet.Length + packet.HeaderLength;
        if (packet.PayloadType == _redToUnwrap)
        {
            return UnwrapRed(destination, payloadStart, length - packet.PaddingLength);
        }

        if (_payloadRewriter is not null && !_payloadRewriter.TryRewrite(destination[payloadStart..(length - packet.PaddingLength)]))
        {
            return 0;
        }

        return _packetRewriter is null ? length : _packetRewriter.Rewrite(destination, length);
    }

    /// <summary>
    /// Turns the RED copy in <paramref name="destination"/> into a packet of its primary encoding alone: the primary's
    /// payload type in the header, its data as the payload, no padding. 0 when the primary is of a type the stream
    /// does not send (or the payload, checked on the way in, does not parse).
    /// </summary>
    private int UnwrapRed(Span<byte> destination, int payloadStart, int payloadEnd)
    {
        if (!RedPayload.TryParse(destination[payloadStart..payloadEnd], out var red)
            || red.PrimaryPayloadType == _redToUnwrap || !_sendsPayloadType[red.PrimaryPayloadType])
        {
            return 0;
        }

        var primaryLength = red.Primary.Length;
        var primaryType = red.PrimaryPayloadType;
        destination.Slice(payloadStart + red.PrimaryOffset, primaryLength).CopyTo(destination[payloadStart..]);
        destination[0] &= 0xDF; // no padding
        destination[1] = (byte)((destination[1] & 0x80) | primaryType);
        return payloadStart + primaryLength;
    }

    private void Stamp(Span<byte> header, ushort sequence, uint timestamp)
    {
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(header[8..], Ssrc);
    }
}

/// <summary>Where a send stream's packets go: the consumer's transport (a test's capture).</summary>
internal interface IRtpSendTarget
{
    /// <summary>Sends one RTP packet to the remote side; <paramref name="isRetransmission"/> counts it as such.</summary>
    void SendRtp(ReadOnlySpan<byte> packet, bool isRetransmission);
}

/// <summary>Where a send stream finds a packet again for retransmission: the producer stream it was forwarded from.</summary>
internal interface IRetransmissionSource
{
    /// <summary>Copies the router-space packet with sequence number <paramref name="sequence"/>, if still held.</summary>
    bool TryGetForRetransmission(ushort sequence, long nowMs, Span<byte> destination, out int written);
}

/// <summary>An SVC consumer's rewrite of its copy of a whole packet, the same for forwarding and retransmission.</summary>
internal interface IRtpPacketRewriter
{
    /// <summary>
    /// Rewrites the packet of <paramref name="length"/> bytes at the start of <paramref name="buffer"/> (which may hold
    /// more) in place; returns its new length, 0 when the packet must not go out.
    /// </summary>
    int Rewrite(Span<byte> buffer, int length);
}

/// <summary>A codec's rewrite of a consumer's copy of the payload (VP8 picture IDs), the same for forwarding and retransmission.</summary>
internal interface IRtpPayloadRewriter
{
    /// <summary>Rewrites <paramref name="payload"/> in place; false when the packet must not go out.</summary>
    bool TryRewrite(Span<byte> payload);
}
