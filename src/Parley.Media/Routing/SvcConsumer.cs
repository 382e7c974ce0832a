using Parley.Media.Allocation;
using Parley.Media.Codecs;
using Parley.Media.Ortc;
using Parley.Media.Rtp;
using Parley.Media.Transports;

namespace Parley.Media.Routing;

/// <summary>
/// A consumer of an SVC producer (one encoding with several spatial layers: VP9 <c>L3T3_KEY</c>, AV1 <c>L3T3</c>;
/// mediasoup's SvcConsumer): of the one stream it forwards only the packets of the layers up to the preferred ones, as
/// the producer's way of describing layers tells them apart (<see cref="SvcLayerFilter"/>: the VP9 payload descriptor,
/// or the dependency descriptor for AV1). Spatial switches up wait for a keyframe, which it requests; temporal ones for
/// a switching point. The packets left out are skipped in the sequence numbers (no gap for the receiver), the last
/// packet of the forwarded spatial layer's frame carries the marker bit, and the dependency descriptor names the decode
/// targets the receiver gets. It has the layer API of <see cref="SimulcastConsumer"/>: preferred, current, and
/// <see cref="Consumer.LayersChanged"/> as the forwarded layers change. The transport's bitrate allocation caps the
/// target (<see cref="ILayerAllocatedConsumer"/>; each layer costed by the stream's <see cref="LayerBitrateMeter"/>):
/// the filter aims at the lower of preference and allocation and moves where the stream allows it; allocated nothing,
/// the consumer forwards nothing (layers reported null) and starts again at a keyframe when a layer is allocated.
/// </summary>
internal sealed class SvcConsumer : Consumer, ILayerAllocatedConsumer
{
    private const int NoLayer = PackedLayers.None;
    private const int NoAllocation = int.MaxValue;

    private readonly RtpSendStream _stream;
    private readonly SvcLayerFilter _filter;
    private readonly int _maxSpatial;
    private readonly int _maxTemporal;
    private int _preferredSpatial;
    private int _preferredTemporal;
    private int _allocatedSpatial = NoAllocation;
    private int _allocatedTemporal = NoAllocation;

    // What LayersChanged last told (spatial << 8 | temporal, NoLayer for none) and the preference, packed so that any
    // thread reads them whole.
    private volatile int _reportedLayers = NoLayer;
    private volatile int _preferredLayers;

    internal SvcConsumer(Transport transport, Producer producer, RtpParameters rtpParameters, object? appData, bool paused)
        : this(transport, producer, rtpParameters, appData, paused, CreateFilter(producer, rtpParameters))
    {
    }

    private SvcConsumer(Transport transport, Producer producer, RtpParameters rtpParameters, object? appData, bool paused, SvcLayerFilter filter)
        : base(transport, producer, rtpParameters, appData, paused,
            [new RtpSendStream(producer.RtpParameters, rtpParameters, transport, transport.Worker.SendScratch, packetRewriter: filter)])
    {
        _stream = SendStreams[0];
        _filter = filter;
        var mode = ScalabilityMode.Parse(producer.RtpParameters.Encodings[0].ScalabilityMode);
        _maxSpatial = mode.SpatialLayers - 1;
        _maxTemporal = mode.TemporalLayers - 1;
        _preferredSpatial = _maxSpatial;
        _preferredTemporal = _maxTemporal;
        _preferredLayers = PackedLayers.Pack(_preferredSpatial, _preferredTemporal);
    }

    /// <summary>
    /// True for a producer with more than one spatial layer whose layers this class can tell apart: VP9, or a codec
    /// whose packets carry the dependency descriptor. (Other SVC producers are forwarded whole.)
    /// </summary>
    internal static bool CanChooseLayers(Producer producer) =>
        ScalabilityMode.Parse(producer.RtpParameters.Encodings[0].ScalabilityMode).SpatialLayers > 1
        && (KeyFrameDetector.FromMimeType(producer.RtpParameters.Codecs[0].MimeType) == VideoCodec.Vp9
            || producer.RtpParameters.HeaderExtensions.Exists(e => e.Uri == RtpHeaderExtensionUris.DependencyDescriptor));

    public override ConsumerLayers? CurrentLayers => PackedLayers.Unpack(_reportedLayers);

    public override ConsumerLayers? PreferredLayers => PackedLayers.Unpack(_preferredLayers);

    private protected override ProducerStream KeyFrameStream => Producer.Streams[0];

    private protected override bool NeedsKeyFrame =>
        !AllocatedNothing && (WaitingForKeyFrame || _filter.NeedsKeyFrame(TargetSpatial, TargetTemporal));

    public int SpatialLayerCount => _maxSpatial + 1;

    public int TemporalLayerCount => _maxTemporal + 1;

    public VideoLayer PreferredLayer => new(_preferredSpatial, _preferredTemporal);

    private bool AllocatedNothing => _allocatedSpatial == NoLayer;

    private int TargetSpatial => Math.Min(_preferredSpatial, _allocatedSpatial);

    private int TargetTemporal => Math.Min(_preferredTemporal, _allocatedTemporal);

    internal override void Forward(ProducerStream stream, in RtpPacket packet, bool isKeyFrame, long nowMs)
    {
        if (!IsActive || AllocatedNothing || stream.Index != 0 || !_stream.SendsPayloadType(packet.PayloadType))
        {
            return;
        }

        var forward = _filter.ShouldForward(packet, isKeyFrame, TargetSpatial, TargetTemporal);
        ReportLayers();
        if (!forward)
        {
            _stream.Skip(packet, nowMs);
            return;
        }

        if (PassesKeyFrameGate(stream, isKeyFrame))
        {
            _stream.Send(packet, nowMs);
        }
    }

    private protected override Task SetPreferredLayersCore(int spatialLayer, int? temporalLayer)
    {
        PackedLayers.ThrowIfBeyond(spatialLayer, _maxSpatial + 1, temporalLayer, _maxTemporal + 1);
        return Worker.InvokeAsync(() =>
        {
            _preferredSpatial = spatialLayer;
            _preferredTemporal = temporalLayer ?? _maxTemporal;
            _preferredLayers = PackedLayers.Pack(_preferredSpatial, _preferredTemporal);
            if (IsActive && NeedsKeyFrame)
            {
                RequestKeyFrame(Worker.Timers.Now);
            }
        });
    }

    /// <summary>Layer (s, t) costs what the stream's meter counts for it; nothing of the stream received, nothing costs.</summary>
    public bool MeasureLayerCosts(LayerBitrates costs, long nowMs, int inactivityMs)
    {
        var stream = Producer.Streams[0];
        var meter = stream.LayerBitrates;
        var receiving = meter is not null && stream.IsReceiving(nowMs, inactivityMs);
        var anyReceived = false;
        for (var s = 0; s < costs.SpatialLayers; s++)
        {
            var received = receiving && s < meter!.SpatialLayers && meter.IsReceived(s, nowMs);
            anyReceived |= received;
            for (var t = 0; t < costs.TemporalLayers; t++)
            {
                costs[s, t] = received && t < meter!.TemporalLayers ? Math.Max(LayerBitrates.Unmeasured, meter.GetBitrate(s, t, nowMs)) : 0;
            }
        }

        return anyReceived;
    }

    public void SetAllocatedLayer(VideoLayer? layer)
    {
        var wasNothing = AllocatedNothing;
        _allocatedSpatial = layer is not { } allocated ? NoAllocation : allocated.IsNone ? NoLayer : allocated.Spatial;
        _allocatedTemporal = layer is { IsNone: false } some ? some.Temporal : NoAllocation;
        if (!IsActive || (wasNothing == AllocatedNothing && !NeedsKeyFrame))
        {
            return;
        }

        if (AllocatedNothing)
        {
            // Forwarding stops; what was sent stays valid, so the receiver needs no gap filled (nothing is skipped).
            _filter.Reset();
            ReportLayers();
            return;
        }

        if (wasNothing)
        {
            // Back from nothing: a new period, from the next keyframe.
            _stream.RequestSync();
        }

        RequestKeyFrame(Worker.Timers.Now);
    }

    private protected override IRetransmissionSource? RetransmissionSource(RtpSendStream sendStream) => Producer.Streams[0];

    /// <summary>A new forwarding period (resume): nothing is forwarded until a keyframe.</summary>
    private protected override void OnPeriodStarted(long nowMs)
    {
        _filter.Reset();
        ReportLayers();
        Transport.OnConsumerActivated(this);
        RequestKeyFrame(nowMs);
    }

    private static SvcLayerFilter CreateFilter(Producer producer, RtpParameters rtpParameters)
    {
        var descriptors = DependencyDescriptorTracker.Create(producer.RtpParameters, rtpParameters);
        if (KeyFrameDetector.FromMimeType(rtpParameters.Codecs[0].MimeType) == VideoCodec.Vp9)
        {
            return new Vp9SvcLayerFilter(ScalabilityMode.Parse(producer.RtpParameters.Encodings[0].ScalabilityMode).KeySvc, descriptors);
        }

        return new DependencyDescriptorLayerFilter(
            descriptors ?? throw new InvalidOperationException("Without the dependency descriptor the SVC layers cannot be told apart."));
    }

    private void ReportLayers()
    {
        var packed = _filter.CurrentSpatial == NoLayer ? NoLayer : PackedLayers.Pack(_filter.CurrentSpatial, _filter.CurrentTemporal);
        if (packed == _reportedLayers)
        {
            return;
        }

        _reportedLayers = packed;
        RaiseLayersChanged(PackedLayers.Unpack(packed));
    }

}
