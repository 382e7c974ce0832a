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
/// <see cref="Consumer.LayersChanged"/> as the forwarded layers change.
/// </summary>
internal sealed class SvcConsumer : Consumer
{
    private const int NoLayer = PackedLayers.None;

    private readonly RtpSendStream _stream;
    private readonly SvcLayerFilter _filter;
    private readonly int _maxSpatial;
    private readonly int _maxTemporal;
    private int _preferredSpatial;
    private int _preferredTemporal;

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

    private protected override bool NeedsKeyFrame => WaitingForKeyFrame || _filter.NeedsKeyFrame(_preferredSpatial, _preferredTemporal);

    internal override void Forward(ProducerStream stream, in RtpPacket packet, bool isKeyFrame, long nowMs)
    {
        if (!IsActive || stream.Index != 0 || !_stream.SendsPayloadType(packet.PayloadType))
        {
            return;
        }

        var forward = _filter.ShouldForward(packet, isKeyFrame, _preferredSpatial, _preferredTemporal);
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
            if (IsActive && _filter.NeedsKeyFrame(_preferredSpatial, _preferredTemporal))
            {
                RequestKeyFrame(Worker.Timers.Now);
            }
        });
    }

    private protected override IRetransmissionSource? RetransmissionSource(RtpSendStream sendStream) => Producer.Streams[0];

    /// <summary>A new forwarding period (resume): nothing is forwarded until a keyframe.</summary>
    private protected override void OnPeriodStarted(long nowMs)
    {
        _filter.Reset();
        ReportLayers();
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
