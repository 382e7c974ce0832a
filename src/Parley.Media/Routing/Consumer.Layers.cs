namespace Parley.Media.Routing;

/// <content>
/// Simulcast: which of the producer's streams the consumer forwards (mediasoup's SimulcastConsumer). The target is the
/// highest stream at or below the preferred one that the sender is sending; a change of target asks that stream for a
/// keyframe and the consumer keeps forwarding the current stream until the keyframe arrives, then switches there. The
/// sequencer starts a new period at the switch, so the receiver sees one stream with no sequence gap and rising
/// timestamps (placed through the sender reports of both encodings when there are some, else by the wall-clock time
/// since the last packet), and VP8 picture IDs continue. Of a VP8 encoding with temporal layers, only the layers up to
/// the preferred temporal layer go out (<see cref="Vp8TemporalLayerSelector"/>: switching between pictures only); the
/// packets and pictures left out are skipped in the sequence numbers and picture IDs, and the layers reported are the
/// ones forwarded. Other codecs (H264, VP9, AV1) are not filtered by temporal layer: they forward every packet of the
/// encoding and report its top temporal layer.
/// </content>
public sealed partial class Consumer
{
    private const int NoLayer = -1;

    private readonly bool _isSimulcast;
    private readonly int _maxTemporalLayer;
    private readonly Vp8PictureIdContinuity? _pictureIds;
    private readonly Vp8TemporalLayerSelector? _temporalLayers;
    private int _preferredSpatial;
    private int _preferredTemporal;
    private int _targetSpatial = NoLayer;
    private int _currentSpatial = NoLayer;
    private long _bitrateLimit;

    // What LayersChanged last told (spatial << 8 | temporal, NoLayer for none) and the preference, packed so that any
    // thread reads them whole.
    private volatile int _reportedLayers = NoLayer;
    private volatile int _preferredLayers = NoLayer;

    /// <summary>
    /// Raised (on a thread-pool thread, one event at a time, in order) when a simulcast consumer starts forwarding
    /// another layer, spatial or temporal, with the layers now forwarded, or null when it forwards nothing (every stream
    /// stopped); mediasoup's <c>layerschange</c>.
    /// </summary>
    public event EventHandler<ConsumerLayers?>? LayersChanged;

    /// <summary>
    /// The layers a simulcast consumer forwards now; null when it forwards nothing, or is not simulcast. The temporal
    /// layer is the one forwarded for VP8 (the preferred one once the stream allows the switch), the encoding's top
    /// layer for other codecs, which are not filtered by temporal layer.
    /// </summary>
    public ConsumerLayers? CurrentLayers => Unpack(_reportedLayers);

    /// <summary>The layers a simulcast consumer aims for (default: the highest); null when it is not simulcast.</summary>
    public ConsumerLayers? PreferredLayers => Unpack(_preferredLayers);

    /// <summary>
    /// Sets the highest layers a simulcast consumer should forward. The consumer switches at the next keyframe of the
    /// stream it then chooses (which it requests). The temporal layer applies to VP8 only: down at the next picture, up
    /// at the next picture that allows it (a keyframe, a base-layer picture, a layer sync picture); other codecs forward
    /// every temporal layer. A consumer of another type has no layers to choose and ignores it.
    /// </summary>
    /// <param name="spatialLayer">The highest spatial layer (encoding index) wanted.</param>
    /// <param name="temporalLayer">The highest temporal layer wanted; the highest there is when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A layer is negative or beyond the producer's encodings.</exception>
    public Task SetPreferredLayersAsync(int spatialLayer, int? temporalLayer = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(spatialLayer);
        if (temporalLayer is { } temporal)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(temporal, nameof(temporalLayer));
        }

        if (!_isSimulcast)
        {
            return Task.CompletedTask;
        }

        if (spatialLayer >= Producer.Streams.Count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(spatialLayer), spatialLayer, $"The producer has {Producer.Streams.Count} spatial layers (0 to {Producer.Streams.Count - 1}).");
        }

        if (temporalLayer > _maxTemporalLayer)
        {
            throw new ArgumentOutOfRangeException(
                nameof(temporalLayer), temporalLayer, $"The producer has {_maxTemporalLayer + 1} temporal layers (0 to {_maxTemporalLayer}).");
        }

        return Worker.InvokeAsync(() =>
        {
            _preferredSpatial = spatialLayer;
            _preferredTemporal = temporalLayer ?? _maxTemporalLayer;
            _preferredLayers = Pack(_preferredSpatial, _preferredTemporal);
            if (IsActive)
            {
                UpdateTargetLayer(Worker.Timers.Now);
            }
        });
    }

    /// <summary>
    /// The seam for send-side bandwidth estimation: a layer whose incoming bitrate exceeds <paramref name="bitsPerSecond"/>
    /// is not chosen (the lowest sending one always may be). Null or 0 lifts the limit. Worker thread only.
    /// </summary>
    internal void SetBitrateLimit(long? bitsPerSecond)
    {
        _bitrateLimit = Math.Max(0, bitsPerSecond ?? 0);
        if (_isSimulcast && IsActive)
        {
            UpdateTargetLayer(Worker.Timers.Now);
        }
    }

    /// <summary>A keyframe is still awaited: to start forwarding, or to switch a simulcast consumer to its target.</summary>
    private bool NeedsKeyFrame => !_isSimulcast ? _waitingForKeyFrame
        : _targetSpatial != NoLayer && (_targetSpatial != _currentSpatial || _waitingForKeyFrame);

    /// <summary>The stream whose packets go out now; null for a simulcast consumer between layers.</summary>
    private ProducerStream? ForwardedStream => !_isSimulcast ? Producer.Streams[0]
        : _currentSpatial == NoLayer ? null
        : Producer.Streams[_currentSpatial];

    /// <summary>Where keyframe requests go: the stream being switched to, else the one forwarded.</summary>
    private ProducerStream KeyFrameStream => _isSimulcast && _targetSpatial != NoLayer
        ? Producer.Streams[_targetSpatial]
        : ForwardedStream ?? Producer.Streams[0];

    /// <summary>
    /// Whether a packet of <paramref name="stream"/> goes to a simulcast consumer: packets of the current stream do,
    /// and the target's first keyframe makes the target current. Called per packet: no allocation.
    /// </summary>
    private bool IsForwardedSimulcast(ProducerStream stream, uint timestamp, bool isKeyFrame, long nowMs)
    {
        if (_targetSpatial == NoLayer)
        {
            // Nothing chosen yet (start, or every stream stopped): a packet may be the first sign of life.
            UpdateTargetLayer(nowMs);
        }

        var index = stream.Index;
        if (index == _currentSpatial)
        {
            return true;
        }

        if (index != _targetSpatial || !isKeyFrame)
        {
            return false;
        }

        if (_currentSpatial != NoLayer && TryMapTimestamp(Producer.Streams[_currentSpatial], stream, timestamp, out var aligned))
        {
            _sequencer.RequestSync(aligned + _sequencer.TimestampOffset);
        }
        else
        {
            _sequencer.RequestSync();
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
    private bool IsForwardedTemporal(ProducerStream stream, in Rtp.RtpPacket packet, bool isKeyFrame)
    {
        var selector = _temporalLayers!;
        var payload = packet.Payload;
        if (stream.TopTemporalLayer == 0 || !Codecs.Vp8PayloadDescriptor.TryGetTemporalInfo(payload, out var info))
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

    private int TargetTemporalLayer(ProducerStream stream) => Math.Min(_preferredTemporal, stream.TopTemporalLayer);

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

    /// <summary>Re-evaluates the target on the transport's feedback timer (every 40 ms).</summary>
    private void OnLayerTimer(long nowMs)
    {
        if (_isSimulcast && IsActive)
        {
            UpdateTargetLayer(nowMs);
        }
    }

    /// <summary>A new forwarding period (resume): nothing is forwarded until a keyframe of the target arrives.</summary>
    private void RestartLayers(long nowMs)
    {
        _currentSpatial = NoLayer;
        _targetSpatial = NoLayer;
        UpdateTargetLayer(nowMs);
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
            RequestKeyFrame(nowMs);
        }
    }

    /// <summary>
    /// The highest sending stream at or below the preference (and within the bitrate limit); when none there is
    /// sending, the lowest sending one above it, so that the consumer shows something while any stream lives.
    /// </summary>
    private int ChooseTargetLayer(long nowMs)
    {
        var streams = Producer.Streams;
        var chosen = NoLayer;
        for (var i = 0; i < streams.Count; i++)
        {
            var stream = streams[i];
            if (!stream.IsReceiving(nowMs, Transport.Router.StreamInactivityMs))
            {
                continue;
            }

            if (chosen != NoLayer && (i > _preferredSpatial || (_bitrateLimit > 0 && stream.GetBitrate(nowMs) > _bitrateLimit)))
            {
                break;
            }

            chosen = i;
        }

        return chosen;
    }

    private void ReportLayers()
    {
        var packed = _currentSpatial == NoLayer ? NoLayer : Pack(_currentSpatial, ForwardedTemporalLayer(Producer.Streams[_currentSpatial]));
        if (packed == _reportedLayers)
        {
            return;
        }

        _reportedLayers = packed;
        Worker.RaiseEvent(LayersChanged, this, Unpack(packed));
    }

    /// <summary>The temporal layer forwarded of <paramref name="stream"/>: VP8's selected one, else (not filtered) the top.</summary>
    private int ForwardedTemporalLayer(ProducerStream stream) =>
        _temporalLayers is not null && stream.TopTemporalLayer > 0 ? _temporalLayers.Current : stream.TopTemporalLayer;

    private static int Pack(int spatial, int temporal) => (spatial << 8) | temporal;

    private static ConsumerLayers? Unpack(int packed) => packed == NoLayer ? null : new ConsumerLayers(packed >> 8, packed & 0xFF);
}
