using System.Buffers.Binary;
using Parley.Media.Ortc;
using Parley.Media.Rtc;
using Parley.Media.Rtcp;
using Parley.Media.Rtp;
using Parley.Media.Transports;

namespace Parley.Media.Routing;

/// <summary>
/// One producer sent to one remote endpoint over a transport, under the consumer's own SSRC, payload types, sequence
/// numbers, timestamps and header extension IDs. It starts paused; after a resume (its own or its producer's) a video
/// consumer asks upstream for a keyframe and forwards nothing until one arrives.
/// </summary>
public sealed partial class Consumer
{
    private const byte NoPayloadType = 0xFF;

    private readonly bool[] _sendsPayloadType = new bool[128];
    private readonly byte[] _extensionIdMap = new byte[256];
    private readonly RtpSequencer _sequencer;
    private readonly int _clockRate;
    private readonly byte _rtxPayloadType = NoPayloadType;
    private ushort _rtxSequence;
    private bool _waitingForKeyFrame;
    private volatile bool _paused;
    private volatile bool _producerPaused;
    private volatile bool _closed;
    private readonly SendStreamStatistics _statistics;
    private readonly KeyFrameRequestThrottle _keyFrameThrottle = new();
    private readonly BitrateCalculator _bitrate = new();
    private readonly StreamScore _score = new();
    private readonly RtpStreamCounters _counters = new();
    private readonly byte[] _cname;

    internal Consumer(Transport transport, Producer producer, RtpParameters rtpParameters, object? appData, bool paused)
    {
        Transport = transport;
        Producer = producer;
        RtpParameters = rtpParameters;
        AppData = appData;
        Type = producer.Type == RtpParametersType.Simple ? RtpParametersType.Simple : producer.Type;
        _paused = paused;
        _producerPaused = producer.IsPaused;
        Ssrc = rtpParameters.Encodings[0].Ssrc!.Value;
        RtxSsrc = rtpParameters.Encodings[0].Rtx?.Ssrc;

        var mediaCodec = rtpParameters.Codecs[0];
        _clockRate = mediaCodec.ClockRate;
        _sequencer = new RtpSequencer(_clockRate);
        _statistics = new SendStreamStatistics(Ssrc, (uint)_clockRate);
        _cname = System.Text.Encoding.UTF8.GetBytes(rtpParameters.Rtcp.Cname ?? "");
        foreach (var codec in rtpParameters.Codecs)
        {
            if (codec.MimeType.EndsWith("/rtx", StringComparison.OrdinalIgnoreCase))
            {
                if (codec.Parameters.TryGetValue("apt", out var apt) && apt.TryGetInt32(out var media) && media == mediaCodec.PayloadType)
                {
                    _rtxPayloadType = (byte)codec.PayloadType;
                }
            }
            else
            {
                _sendsPayloadType[codec.PayloadType] = true;
            }
        }

        BuildExtensionIdMap(producer.RtpParameters, rtpParameters, _extensionIdMap);
        _isSimulcast = Type == RtpParametersType.Simulcast;
        if (_isSimulcast)
        {
            _maxTemporalLayer = producer.Streams.Max(s => s.TopTemporalLayer);
            _preferredSpatial = producer.Streams.Count - 1;
            _preferredTemporal = _maxTemporalLayer;
            _preferredLayers = Pack(_preferredSpatial, _preferredTemporal);
            if (Codecs.KeyFrameDetector.FromMimeType(mediaCodec.MimeType) == Codecs.VideoCodec.Vp8)
            {
                _pictureIds = new Vp8PictureIdContinuity();
                _temporalLayers = new Vp8TemporalLayerSelector();
            }
        }

        if (IsActive)
        {
            StartPeriod();
        }
    }

    /// <summary>Unique id.</summary>
    public string Id { get; } = Guid.NewGuid().ToString();

    /// <summary>The consumed producer's id.</summary>
    public string ProducerId => Producer.Id;

    /// <summary>Audio or video.</summary>
    public MediaKind Kind => Producer.Kind;

    /// <summary>The consumer's RTP parameters, what the remote side must be told to receive; treat as read-only.</summary>
    public RtpParameters RtpParameters { get; }

    /// <summary>The consumer type (mediasoup's <c>simple</c>, <c>simulcast</c>, <c>svc</c>).</summary>
    public RtpParametersType Type { get; }

    /// <summary>The application's data given at creation.</summary>
    public object? AppData { get; }

    /// <summary>True while paused by the application.</summary>
    public bool IsPaused => _paused;

    /// <summary>True while its producer is paused.</summary>
    public bool IsProducerPaused => _producerPaused;

    /// <summary>True once closed.</summary>
    public bool IsClosed => _closed;

    /// <summary>Raised (on a thread-pool thread) when the consumer closes for any reason.</summary>
    public event EventHandler? Closed;

    /// <summary>Raised when its producer closed (the consumer is closed too); mediasoup's <c>producerclose</c>.</summary>
    public event EventHandler? ProducerClosed;

    /// <summary>Raised when its producer paused; mediasoup's <c>producerpause</c>.</summary>
    public event EventHandler? ProducerPaused;

    /// <summary>Raised when its producer resumed; mediasoup's <c>producerresume</c>.</summary>
    public event EventHandler? ProducerResumed;

    internal Transport Transport { get; }

    /// <summary>The worker that owns the consumer (its transport's).</summary>
    private Worker Worker => Transport.Worker;

    internal Producer Producer { get; }

    internal uint Ssrc { get; }

    internal uint? RtxSsrc { get; }

    private bool IsActive => !_paused && !_producerPaused && !_closed;

    /// <summary>Stops sending.</summary>
    public Task PauseAsync() => Worker.InvokeAsync(() => _paused = true);

    /// <summary>Starts or resumes sending; video waits for a keyframe, which it requests upstream.</summary>
    public Task ResumeAsync() => Worker.InvokeAsync(() =>
    {
        if (!_paused || _closed)
        {
            return;
        }

        _paused = false;
        if (IsActive)
        {
            StartPeriod();
        }
    });

    /// <summary>Asks the producer's sender for a keyframe.</summary>
    public Task RequestKeyFrameAsync() => Worker.InvokeAsync(() => RequestKeyFrame(Worker.Timers.Now));

    /// <summary>Closes the consumer.</summary>
    public Task CloseAsync() => _closed ? Task.CompletedTask : Worker.InvokeAsync(() => CloseOnWorker(sendBye: true));

    /// <summary>
    /// The consumer's <c>outbound-rtp</c> stats followed by the <c>inbound-rtp</c> stats of the producer stream feeding
    /// it (mediasoup's <c>consumer.getStats()</c>).
    /// </summary>
    public Task<IReadOnlyList<RtpStreamStats>> GetStatsAsync() => Worker.InvokeAsync(() =>
    {
        var now = Worker.Timers.Now;
        var own = ConsumerStreamStats.Create(
            now, Kind == MediaKind.Audio ? "audio" : "video", RtpParameters.Codecs[0].MimeType, _statistics, _bitrate, _score, _counters, RtxSsrc);
        return (IReadOnlyList<RtpStreamStats>)[own, SelectedStream.GetStats(now)];
    });

    /// <summary>
    /// Which producer stream feeds this consumer, for stats: the one forwarded, else (a simulcast consumer between
    /// layers) the one it switches to, else the first.
    /// </summary>
    private ProducerStream SelectedStream => ForwardedStream ?? KeyFrameStream;

    /// <summary>Sends this consumer's copy of a router-space packet. The hot path: no allocation.</summary>
    internal void Forward(ProducerStream stream, in RtpPacket packet, bool isKeyFrame, long nowMs)
    {
        if (!IsActive || !_sendsPayloadType[packet.PayloadType]
            || (_isSimulcast ? !IsForwardedSimulcast(stream, packet.Timestamp, isKeyFrame, nowMs) : stream.Index != 0))
        {
            return;
        }

        if (_waitingForKeyFrame)
        {
            if (!isKeyFrame)
            {
                return;
            }

            _waitingForKeyFrame = false;
        }

        if (isKeyFrame && stream == KeyFrameStream)
        {
            _keyFrameThrottle.OnKeyFrameReceived();
        }

        if (_temporalLayers is not null && !IsForwardedTemporal(stream, packet, isKeyFrame))
        {
            _pictureIds!.Skip(packet.Payload);
            Skip(packet, nowMs);
            return;
        }

        var copy = Worker.SendScratch.AsSpan();
        var length = RtpHeaderRewriter.Write(packet, _extensionIdMap, copy);
        if (length == 0
            || (_pictureIds is not null && !_pictureIds.TryRewrite(copy[(length - packet.Length + packet.HeaderLength)..(length - packet.PaddingLength)])))
        {
            Skip(packet, nowMs);
            return;
        }

        if (!_sequencer.TryRewrite(packet.SequenceNumber, packet.Timestamp, nowMs, out var sequence, out var timestamp))
        {
            return;
        }

        BinaryPrimitives.WriteUInt16BigEndian(copy[2..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(copy[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(copy[8..], Ssrc);
        Transport.SendRtp(copy[..length]);
        _statistics.OnPacketSent(timestamp, length, nowMs);
        _bitrate.Update(length, nowMs);
    }

    /// <summary>
    /// Leaves a packet out without a hole in the sequence numbers: the newest closes up; a late one keeps its number,
    /// which a padding-only packet fills (a receiver takes padding as received and does not ask for it again).
    /// </summary>
    private void Skip(in RtpPacket packet, long nowMs)
    {
        if (!_sequencer.Skip(packet.SequenceNumber, packet.Timestamp, out var sequence, out var timestamp))
        {
            return;
        }

        var padding = Worker.SendScratch.AsSpan(0, RtpPacket.FixedHeaderLength + 1);
        padding[0] = 0xA0; // version 2, P
        padding[1] = packet.PayloadType;
        BinaryPrimitives.WriteUInt16BigEndian(padding[2..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(padding[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(padding[8..], Ssrc);
        padding[^1] = 1; // the padding length, this byte included
        Transport.SendRtp(padding);
        _statistics.OnPacketSent(timestamp, padding.Length, nowMs);
    }

    /// <summary>The receiver asked for a keyframe (PLI or FIR).</summary>
    internal void OnKeyFrameRequested(bool isFir, long nowMs)
    {
        if (isFir)
        {
            _counters.FirCount++;
        }
        else
        {
            _counters.PliCount++;
        }

        if (IsActive)
        {
            RequestKeyFrame(nowMs);
        }
    }

    /// <summary>
    /// On the transport's fast timer: a keyframe request the throttle held back may go now. While still waiting for a
    /// keyframe the request is repeated (once per throttle interval): one lost PLI must not leave the consumer dark.
    /// </summary>
    internal void OnTimer(long nowMs)
    {
        OnLayerTimer(nowMs);
        if (IsActive && (_keyFrameThrottle.TryForwardPending(nowMs) || (NeedsKeyFrame && _keyFrameThrottle.TryRequest(nowMs))))
        {
            Producer.RequestKeyFrame(KeyFrameStream);
        }
    }

    /// <summary>The receiver lost packets: retransmit those still held, as RTX when negotiated.</summary>
    internal void OnNack(NackLostSequenceEnumerator lost, long nowMs)
    {
        _counters.NackCount++;
        if (ForwardedStream is not { } stream)
        {
            return; // between simulcast layers: nothing sent in this period to resend
        }

        Span<byte> original = stackalloc byte[Routing.PacketBufferPool.BufferLength];
        Span<byte> rtx = stackalloc byte[Routing.PacketBufferPool.BufferLength];
        foreach (var sequence in lost)
        {
            _counters.NackPacketCount++;
            if (!_sequencer.TryMapBack(sequence, out var inputSequence)
                || !stream.TryGetForRetransmission(inputSequence, nowMs, original, out var written)
                || !RtpPacket.TryParse(original[..written], out var packet))
            {
                continue;
            }

            packet.SequenceNumber = sequence;
            packet.Timestamp += _sequencer.TimestampOffset;
            var copy = Worker.SendScratch.AsSpan();
            var length = RtpHeaderRewriter.Write(packet, _extensionIdMap, copy);
            if (length == 0 || !RtpPacket.TryParse(copy[..length], out var outgoing))
            {
                continue;
            }

            outgoing.Ssrc = Ssrc;
            if (_pictureIds is not null && !_pictureIds.TryRewrite(outgoing.Payload))
            {
                continue;
            }

            if (_rtxPayloadType != NoPayloadType && RtxSsrc is { } rtxSsrc)
            {
                if (RtxPacket.TryWrap(outgoing, rtx, rtxSsrc, _rtxPayloadType, _rtxSequence++, out var rtxLength))
                {
                    Transport.SendRtp(rtx[..rtxLength], isRetransmission: true);
                    _statistics.OnPacketSent(outgoing.Timestamp, rtxLength, nowMs, isRetransmission: true);
                }
            }
            else
            {
                Transport.SendRtp(copy[..length], isRetransmission: true);
                _statistics.OnPacketSent(outgoing.Timestamp, length, nowMs, isRetransmission: true);
            }
        }
    }

    /// <summary>A report block about this consumer's stream from the receiver.</summary>
    internal void OnReceiverReport(in RtcpReportBlock block, long nowMs)
    {
        _statistics.OnReceiverReport(block, nowMs);
        _score.Update(
            _statistics.RemoteExtendedHighestSequence == 0 ? 0 : _statistics.PacketCount,
            Math.Max(0, _statistics.RemotePacketsLost),
            _counters.PacketsRepaired,
            _statistics.PacketsRetransmitted);
    }

    /// <summary>Writes an SR (NTP time now and the RTP timestamp of the same instant) and an SDES with the CNAME.</summary>
    internal bool TryWriteSenderReport(Span<byte> destination, long nowMs, out int written)
    {
        written = 0;
        if (!_statistics.CanSendSenderReport)
        {
            return false;
        }

        var composer = new RtcpComposer(destination);
        if (!composer.TryAddSenderReport(_statistics, nowMs, NtpTime.FromUnixMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()))
            || (_cname.Length > 0 && !composer.TryAddCname(Ssrc, _cname)))
        {
            return false;
        }

        written = composer.Length;
        return true;
    }

    internal void OnProducerPauseChanged(bool paused)
    {
        var wasActive = IsActive;
        _producerPaused = paused;
        Worker.RaiseEvent(paused ? ProducerPaused : ProducerResumed, this);
        if (!wasActive && IsActive)
        {
            StartPeriod();
        }
    }

    internal void OnProducerClosed()
    {
        CloseOnWorker(sendBye: true);
        Worker.RaiseEvent(ProducerClosed, this);
    }

    internal void CloseOnWorker(bool sendBye)
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        if (sendBye && _sequencer.HasSent)
        {
            Span<uint> ssrcs = [Ssrc];
            Transport.SendGoodbye(ssrcs);
        }

        Producer.RemoveConsumer(this);
        Transport.RemoveConsumer(this);
        Worker.RaiseEvent(Closed, this);
    }

    /// <summary>
    /// Maps each producer header extension ID to the consumer's ID for the same URI (0: dropped). Transport-level
    /// extensions describe the producer's hop, not ours, so they never pass: MID, RID and repaired RID (the consumer
    /// is identified by SSRC), abs-send-time and transport-wide-cc (bandwidth estimation writes its own).
    /// </summary>
    internal static void BuildExtensionIdMap(RtpParameters producer, RtpParameters consumer, Span<byte> map)
    {
        map.Clear();
        foreach (var produced in producer.HeaderExtensions)
        {
            if (produced.Id is <= 0 or > 255 || IsTransportLevel(produced.Uri))
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

    private void StartPeriod()
    {
        _sequencer.RequestSync();
        if (Kind == MediaKind.Video)
        {
            _waitingForKeyFrame = true;
            _keyFrameThrottle.OnKeyFrameReceived();
            if (_isSimulcast)
            {
                RestartLayers(Worker.Timers.Now);
            }
            else
            {
                RequestKeyFrame(Worker.Timers.Now);
            }
        }
    }

    /// <summary>Asks upstream for a keyframe, at most once per throttle interval; a held-back request goes on the timer.</summary>
    private void RequestKeyFrame(long nowMs)
    {
        if (_keyFrameThrottle.TryRequest(nowMs))
        {
            Producer.RequestKeyFrame(KeyFrameStream);
        }
    }
}
