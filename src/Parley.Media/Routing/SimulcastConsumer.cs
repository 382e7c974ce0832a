using Parley.Media.Allocation;
using Parley.Media.Codecs;
using Parley.Media.Ortc;
using Parley.Media.Rtp;
using Parley.Media.Transports;

namespace Parley.Media.Routing;

/// <summary>
/// A consumer of a simulcast producer (mediasoup's SimulcastConsumer): it forwards one of the producer's streams. The
/// target is the highest stream at or below the preferred one that the sender is sending; a change of target asks that
/// stream for a keyframe and the consumer keeps forwarding the current stream until the keyframe arrives, then switches
/// there. The send stream starts a new period at the switch, so the receiver sees one stream with no sequence gap and
/// rising timestamps (placed through the sender reports of both encodings when there are some, else by the wall-clock
/// time since the last packet), and VP8 picture IDs continue (<see cref="Vp8PictureIdContinuity"/>, the send stream's
/// payload rewrite). Of a VP8 encoding with temporal layers, only the layers up to the preferred temporal layer go out
/// (<see cref="Vp8TemporalLayerSelector"/>: switching between pictures only); the packets and pictures left out are
/// skipped in the sequence numbers and picture IDs, and the layers reported are the ones forwarded. Other codecs (H264,
/// VP9, AV1) are not filtered by temporal layer: they forward every packet of the encoding and report its top temporal
/// layer. The transport's bitrate allocation caps both (<see cref="ILayerAllocatedConsumer"/>): the allocated temporal
/// layer applies to the allocated stream and those above it (while a switch down waits for its keyframe); a stream
/// below it is a lower step in the allocation's order whatever its temporal layer, so it goes out at the preferred one.
/// </summary>
internal sealed class SimulcastConsumer : Consumer, ILayerAllocatedConsumer
{
    private const int NoLayer = PackedLayers.None;
    private const int NoAllocation = int.MaxValue;

    private readonly RtpSendStream _stream;
    private readonly int _clockRate;
    private readonly int _maxTemporalLayer;
    private readonly Vp8PictureIdContinuity? _pictureIds;
    private readonly Vp8TemporalLayerSelector? _temporalLayers;
    private int _preferredSpatial;
    private int _preferredTemporal;
    private int _targetSpatial = NoLayer;
    private int _currentSpatial = NoLayer;
    private int _allocatedSpatial = NoAllocation;
    private int _allocatedTemporal = NoAllocation;

    // What LayersChanged last told (spatial << 8 | temporal, NoLayer for none) and the preference, packed so that any
    // thread reads them whole.
    private volatile int _reportedLayers = NoLayer;
    private volatile int _preferredLayers = NoLayer;

    internal SimulcastConsumer(Transport transport, Producer producer, RtpParameters rtpParameters, object? appData, bool paused)
        : this(transport, producer, rtpParameters, appData, paused,
            KeyFrameDetector.FromMimeType(rtpParameters.Codecs[0].MimeType) == VideoCodec.Vp8 ? new Vp8PictureIdContinuity() : null)
    {
    }

    private SimulcastConsumer(
        Transport transport, Producer producer, RtpParameters rtpParameters, object? appData, bool paused, Vp8PictureIdContinuity? pictureIds)
        : base(transport, producer, rtpParameters, appData, paused,
            [new RtpSendStream(producer.RtpParameters, rtpParameters, transport, transport.Worker.SendScratch, pictureIds)])
    {
        _stream = SendStreams[0];
        _clockRate = _stream.ClockRate;
        _pictureIds = pictureIds;
        _temporalLayers = pictureIds is null ? null : new Vp8TemporalLayerSelector();
        _maxTemporalLayer = producer.Streams.Max(s => s.TopTemporalLayer);
        _preferredSpatial = producer.Streams.Count - 1;
        _preferredTemporal = _maxTemporalLayer;
        _preferredLayers = PackedLayers.Pack(_preferredSpatial, _preferredTemporal);
    }

    public override ConsumerLayers? CurrentLayers => PackedLayers.Unpack(_reportedLayers);

    public override ConsumerLayers? PreferredLayers => PackedLayers.Unpack(_preferredLayers);

    /// <summary>
    /// The preference, not the target: the target is only ever a stream the sender is sending, so a stream the sender
    /// stopped because nobody wanted it would never be wanted again.
    /// </summary>
    internal override int WantedSpatialLayer => IsActive ? _preferredSpatial : -1;

    /// <summary>A keyframe is still awaited: to start forwarding, or to switch to the target.</summary>
    private protected override bool NeedsKeyFrame => _targetSpatial != NoLayer && (_targetSpatial != _currentSpatial || WaitingForKeyFrame);

    /// <summary>Where keyframe requests go: the stream being switched to, else the one forwarded.</summary>
    private protected override ProducerStream KeyFrameStream => _targetSpatial != NoLayer
        ? Producer.Streams[_targetSpatial]
        : ForwardedStream ?? Producer.Streams[0];

    /// <summary>Stats go with the stream forwarded; between layers, with the one it switches to.</summary>
    private protected override ProducerStream StatsSource => ForwardedStream ?? KeyFrameStream;

    /// <summary>The stream whose packets go out now; null between layers.</summary>
    private ProducerStream? ForwardedStream => _currentSpatial == NoLayer ? null : Producer.Streams[_currentSpatial];

    internal override void Forward(ProducerStream stream, in RtpPacket packet, bool isKeyFrame, long nowMs)
    {
        if (!IsActive || !_stream.SendsPayloadType(packet.PayloadType) || !IsForwardedSpatial(stream, packet.Timestamp, isKeyFrame, nowMs)
            || !PassesKeyFrameGate(stream, isKeyFrame))
        {
            return;
        }

        if (_temporalLayers is not null && !IsForwardedTemporal(stream, packet, isKeyFrame))
        {
            _pictureIds!.Skip(packet.Payload);
            _stream.Skip(packet, nowMs);
            return;
        }

        _stream.Send(packet, nowMs);
    }

    /// <summary>The number of spatial layers (the producer's encodings).</summary>
    public int SpatialLayerCount => Producer.Streams.Count;

    /// <summary>VP8's temporal layers (the only codec filtered by temporal layer); 1 for the others.</summary>
    public int TemporalLayerCount => _temporalLayers is null ? 1 : _maxTemporalLayer + 1;

    public VideoLayer PreferredLayer => new(_preferredSpatial, _temporalLayers is null ? 0 : _preferredTemporal);

    /// <summary>
    /// Stream s, temporal layer t: what the stream's VP8 temporal layers up to t bring in (a stream with fewer temporal
    /// layers costs its whole rate above its top), or the stream's whole rate when not filtered by temporal layer.
    /// </summary>
    public bool MeasureLayerCosts(LayerBitrates costs, long nowMs, int inactivityMs)
    {
        var streams = Producer.Streams;
        var anyReceiving = false;
        for (var s = 0; s < streams.Count; s++)
        {
            var stream = streams[s];
            var receiving = stream.IsReceiving(nowMs, inactivityMs);
            anyReceiving |= receiving;
            var meter = _temporalLayers is null ? null : stream.LayerBitrates;
            for (var t = 0; t < costs.TemporalLayers; t++)
            {
                var measured = meter is null ? stream.GetBitrate(nowMs) : meter.GetBitrate(0, Math.Min(t, meter.TemporalLayers - 1), nowMs);
                costs[s, t] = receiving ? Math.Max(LayerBitrates.Unmeasured, measured) : 0;
            }

            costs.SetKeyFrameBits(s, receiving ? stream.LastKeyFrameBytes * 8L : 0);
        }

        return anyReceiving;
    }

    public void SetAllocatedLayer(VideoLayer? layer)
    {
        _allocatedSpatial = layer is not { } allocated ? NoAllocation : allocated.IsNone ? NoLayer : allocated.Spatial;
        _allocatedTemporal = layer is { IsNone: false } some ? some.Temporal : NoAllocation;
        if (IsActive)
        {
            UpdateTargetLayer(Worker.Timers.Now);
        }
    }

    private protected override Task SetPreferredLayersCore(int spatialLayer, int? temporalLayer)
    {
        PackedLayers.ThrowIfBeyond(spatialLayer, Producer.Streams.Count, temporalLayer, _maxTemporalLayer + 1);
        return Worker.InvokeAsync(() =>
        {
            _preferredSpatial = spatialLayer;
            _preferredTemporal = temporalLayer ?? _maxTemporalLayer;
            _preferredLayers = PackedLayers.Pack(_preferredSpatial, _preferredTemporal);
            if (IsActive)
            {
                UpdateTargetLayer(Worker.Timers.Now);
            }
        });
    }

    private protected override IRetransmissionSource? RetransmissionSource(RtpSendStream sendStream) => ForwardedStream;

    /// <summary>A new forwarding period (resume): nothing is forwarded until a keyframe of the target arrives.</summary>
    private protected override void OnPeriodStarted(long nowMs)
    {
        _currentSpatial = NoLayer;
        _targetSpatial = NoLayer;
        Transport.OnConsumerActivated(this);
        UpdateTargetLayer(nowMs);
    }

    /// <summary>Re-evaluates the target on the transport's feedback timer (every 40 ms).</summary>
    private protected override void OnTick(long nowMs) => UpdateTargetLayer(nowMs);

    /// <summary>
    /// Whether a packet of <paramref name="stream"/> goes out: packets of the current stream do, and the target's
    /// first keyframe makes the target current. Called per packet: no allocation.
    /// </summary>
    private bool IsForwardedSpatial(ProducerStream stream, uint timestamp, bool isKeyFrame, long nowMs)
    {
        if (_targetSpatial == NoLayer)
        {
            // Nothing chosen yet (start, or every stream stopped): a packet may be the first sign of life.
            UpdateTargetLayer(nowMs);
        }

        var index = stream.Index;
        if (index == _currentSpatial)
        {
            return !IsAllocatedAway;
        }

        if (index != _targetSpatial || !isKeyFrame)
        {
            return false;
        }

        if (_currentSpatial != NoLayer && TryMapTimestamp(Producer.Streams[_currentSpatial], stream, timestamp, out var aligned))
        {
            _stream.RequestSync(aligned);
        }
        else
        {
            _stream.RequestSync();
        }

        if (_currentSpatial != NoLayer)
        {
            // What of the old stream still waits in the transport's pacer would only hold the keyframe back.
            Transport.DropQueued(_stream);
        }

        _currentSpatial = index;
        _pictureIds?.RequestSync();
        _temporalLayers?.Reset(TargetTemporalLayer(stream));
        ReportLayers();
        return true;
    }

    /// <summary>
    /// Whether a VP8 packet of the current stream is in the temporal layers forwarded now; a change of the layer forwarded
    /// is reported. A stream without temporal layers, or a packet whose descriptor cannot be read (padding), passes.
    /// Called per packet: no allocation.
    /// </summary>
    private bool IsForwardedTemporal(ProducerStream stream, in RtpPacket packet, bool isKeyFrame)
    {
        var selector = _temporalLayers!;
        var payload = packet.Payload;
        if (stream.TopTemporalLayer == 0 || !Vp8PayloadDescriptor.TryGetTemporalInfo(payload, out var info))
        {
            return true;
        }

        selector.Target = TargetTemporalLayer(stream);
        var before = selector.Current;
        var forward = selector.ShouldForward(info, packet.Timestamp, isKeyFrame, _pictureIds!.WasDropped(payload));
        if (selector.Current != before)
        {
            ReportLayers();
        }

        return forward;
    }

    private int TargetTemporalLayer(ProducerStream stream) => Math.Min(
        stream.Index >= _allocatedSpatial ? Math.Min(_preferredTemporal, _allocatedTemporal) : _preferredTemporal,
        stream.TopTemporalLayer);

    /// <summary>
    /// The timestamp of <paramref name="from"/>'s clock for the instant that <paramref name="to"/>'s
    /// <paramref name="timestamp"/> stands for, through the sender reports of both (the encodings of one sender share
    /// its NTP clock); false before both have one. This keeps the capture timing (and lip sync) across a switch.
    /// </summary>
    private bool TryMapTimestamp(ProducerStream from, ProducerStream to, uint timestamp, out uint mapped)
    {
        var fromReport = from.Statistics;
        var toReport = to.Statistics;
        if (fromReport.LastSenderReportNtp == 0 || toReport.LastSenderReportNtp == 0)
        {
            mapped = 0;
            return false;
        }

        var ntpDifference = (long)(toReport.LastSenderReportNtp - fromReport.LastSenderReportNtp) / 4294967296.0;
        var ticksSinceReport = (int)(timestamp - toReport.LastSenderReportRtpTimestamp);
        mapped = (uint)(fromReport.LastSenderReportRtpTimestamp + (long)Math.Round(ntpDifference * _clockRate) + ticksSinceReport);
        return true;
    }

    private void UpdateTargetLayer(long nowMs)
    {
        var target = ChooseTargetLayer(nowMs);
        if (target == _targetSpatial)
        {
            return;
        }

        _targetSpatial = target;
        if (target == NoLayer)
        {
            _currentSpatial = NoLayer;
            ReportLayers();
        }
        else if (target != _currentSpatial)
        {
            RequestKeyFrameOfNewStream(nowMs);
            if (IsAllocatedAway)
            {
                Transport.DropQueued(_stream);
            }
        }
    }

    /// <summary>
    /// The allocation took the consumer below the stream it forwards and the switch waits for the lower stream's
    /// keyframe. The current stream then no longer goes out: the allocator lowers a spatial layer only when not even
    /// its base temporal layer fits, so forwarding it until the keyframe kept the bottleneck's queue full — and a
    /// keyframe that meets a full drop-tail queue loses packets and waits for their repair behind it again (the
    /// browser bench at 3 → 0.3 Mbit/s: the picture froze about 1 s). Switches the preference asks for (a smaller
    /// tile) keep forwarding the current stream until the keyframe, as mediasoup does.
    /// </summary>
    private bool IsAllocatedAway => _targetSpatial != NoLayer && _targetSpatial < _currentSpatial && _currentSpatial > _allocatedSpatial;

    /// <summary>
    /// The highest sending stream at or below the preference and the allocation; when none there is sending, the
    /// lowest sending one above it, so that the consumer shows something while any stream lives. Nothing while the
    /// allocation gives nothing.
    /// </summary>
    private int ChooseTargetLayer(long nowMs)
    {
        if (_allocatedSpatial == NoLayer)
        {
            return NoLayer;
        }

        var streams = Producer.Streams;
        var highest = Math.Min(_preferredSpatial, _allocatedSpatial);
        var chosen = NoLayer;
        for (var i = 0; i < streams.Count; i++)
        {
            var stream = streams[i];
            if (!stream.IsReceiving(nowMs, Transport.Router.StreamInactivityMs))
            {
                continue;
            }

            if (chosen != NoLayer && i > highest)
            {
                break;
            }

            chosen = i;
        }

        return chosen;
    }

    private void ReportLayers()
    {
        var packed = _currentSpatial == NoLayer ? NoLayer : PackedLayers.Pack(_currentSpatial, ForwardedTemporalLayer(Producer.Streams[_currentSpatial]));
        if (packed == _reportedLayers)
        {
            return;
        }

        _reportedLayers = packed;
        RaiseLayersChanged(PackedLayers.Unpack(packed));
    }

    /// <summary>The temporal layer forwarded of <paramref name="stream"/>: VP8's selected one, else (not filtered) the top.</summary>
    private int ForwardedTemporalLayer(ProducerStream stream) =>
        _temporalLayers is not null && stream.TopTemporalLayer > 0 ? _temporalLayers.Current : stream.TopTemporalLayer;

}
