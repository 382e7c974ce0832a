using Parley.Media.Codecs;
using Parley.Media.Ortc;
using Parley.Media.Rtc;
using Parley.Media.Rtp;

namespace Parley.Media.Routing;

/// <summary>
/// What forwarding each layer of one incoming stream costs, measured from its packets: one rate per (spatial,
/// temporal) target, counting every packet a receiver of that target gets (cumulative: T1 costs T0 + T1; in full SVC S1
/// costs S0 + S1). The rate is over the last second, like the stream's own; a spatial layer none of whose packets came
/// within that second costs 0 (not received), whatever the layers under it bring. One class per way a stream tells its
/// layers (<see cref="Vp8TemporalBitrateMeter"/>, <see cref="Vp9SvcBitrateMeter"/>,
/// <see cref="DependencyDescriptorBitrateMeter"/>). Worker thread only; nothing allocates per packet.
/// </summary>
internal abstract class LayerBitrateMeter
{
    private readonly BitrateCalculator[] _targets;
    private readonly long[] _spatialSeenAtMs;

    protected LayerBitrateMeter(int spatialLayers, int temporalLayers)
    {
        SpatialLayers = spatialLayers;
        TemporalLayers = temporalLayers;
        _targets = new BitrateCalculator[spatialLayers * temporalLayers];
        for (var i = 0; i < _targets.Length; i++)
        {
            _targets[i] = new BitrateCalculator();
        }

        _spatialSeenAtMs = new long[spatialLayers];
        Array.Fill(_spatialSeenAtMs, long.MinValue);
    }

    public int SpatialLayers { get; }

    public int TemporalLayers { get; }

    /// <summary>
    /// The meter for a stream whose layers a consumer chooses among: VP8 temporal layers of a simulcast encoding, or the
    /// spatial and temporal layers of an SVC stream an <see cref="SvcConsumer"/> filters; null when consumers forward
    /// the stream whole (its own rate is the cost).
    /// </summary>
    public static LayerBitrateMeter? Create(Producer producer, int temporalLayers)
    {
        var codec = KeyFrameDetector.FromMimeType(producer.RtpParameters.Codecs[0].MimeType);
        if (producer.RtpParameters.Encodings.Count == 1 && SvcConsumer.CanChooseLayers(producer))
        {
            var mode = ScalabilityMode.Parse(producer.RtpParameters.Encodings[0].ScalabilityMode);
            return codec == VideoCodec.Vp9
                ? new Vp9SvcBitrateMeter(mode.SpatialLayers, mode.TemporalLayers, mode.KeySvc)
                : new DependencyDescriptorBitrateMeter(
                    mode.SpatialLayers, mode.TemporalLayers, DependencyDescriptorTracker.ForProducer(producer.RtpParameters)!);
        }

        return codec == VideoCodec.Vp8 && temporalLayers > 1 ? new Vp8TemporalBitrateMeter(temporalLayers) : null;
    }

    /// <summary>Counts a received packet (its whole length) in the targets whose receivers get it.</summary>
    public abstract void OnPacket(in RtpPacket packet, long nowMs);

    /// <summary>The cost of forwarding up to (<paramref name="spatial"/>, <paramref name="temporal"/>), bits per second; 0 when that spatial layer is not received.</summary>
    public long GetBitrate(int spatial, int temporal, long nowMs) =>
        IsReceived(spatial, nowMs) ? _targets[(spatial * TemporalLayers) + temporal].GetBitrate(nowMs) : 0;

    /// <summary>True when some packet of <paramref name="spatial"/> itself came within the last second.</summary>
    public bool IsReceived(int spatial, long nowMs) =>
        _spatialSeenAtMs[spatial] != long.MinValue && nowMs - _spatialSeenAtMs[spatial] < BitrateCalculator.DefaultWindowMilliseconds;

    private protected void Count(int spatial, int temporal, int bytes, long nowMs) =>
        _targets[(spatial * TemporalLayers) + temporal].Update(bytes, nowMs);

    private protected void Seen(int spatial, long nowMs) => _spatialSeenAtMs[Math.Min(spatial, SpatialLayers - 1)] = nowMs;
}

/// <summary>
/// A VP8 encoding with temporal layers (one simulcast stream): a packet of TID n counts in targets n and up; one whose
/// descriptor cannot be read (padding) in all, as <see cref="Vp8TemporalLayerSelector"/>'s consumer lets it through.
/// </summary>
internal sealed class Vp8TemporalBitrateMeter(int temporalLayers) : LayerBitrateMeter(1, temporalLayers)
{
    public override void OnPacket(in RtpPacket packet, long nowMs)
    {
        var lowest = Vp8PayloadDescriptor.TryGetTemporalInfo(packet.Payload, out var info) ? Math.Min(info.TemporalLayer, TemporalLayers - 1) : 0;
        for (var t = lowest; t < TemporalLayers; t++)
        {
            Count(0, t, packet.Length, nowMs);
        }

        Seen(0, nowMs);
    }
}

/// <summary>
/// VP9 SVC from the payload descriptor, counted as <see cref="Vp9SvcLayerFilter"/> forwards: a packet of (S, T) in
/// every target at or above T whose spatial layer is at or above S in full SVC; in k-SVC in its own spatial layer's
/// targets, and in the upper layers' only when it is intra-coded (P=0: the keyframe picture they lean on).
/// </summary>
internal sealed class Vp9SvcBitrateMeter(int spatialLayers, int temporalLayers, bool keySvc) : LayerBitrateMeter(spatialLayers, temporalLayers)
{
    public override void OnPacket(in RtpPacket packet, long nowMs)
    {
        if (!Vp9PayloadDescriptor.TryRead(packet.Payload, out var descriptor))
        {
            return;
        }

        var sid = Math.Min(descriptor.SpatialId, SpatialLayers - 1);
        var tid = Math.Min(descriptor.TemporalId, TemporalLayers - 1);
        var top = keySvc && descriptor.InterPicturePredicted ? sid : SpatialLayers - 1;
        for (var s = sid; s <= top; s++)
        {
            for (var t = tid; t < TemporalLayers; t++)
            {
                Count(s, t, packet.Length, nowMs);
            }
        }

        Seen(sid, nowMs);
    }
}

/// <summary>
/// A stream with the dependency descriptor (AV1): a packet counts in every decode target its frame is present in (the
/// frames <see cref="DependencyDescriptorLayerFilter"/> forwards for it), placed at that target's spatial and temporal
/// layer. Nothing counts before the first template structure.
/// </summary>
internal sealed class DependencyDescriptorBitrateMeter(int spatialLayers, int temporalLayers, DependencyDescriptorTracker descriptors)
    : LayerBitrateMeter(spatialLayers, temporalLayers)
{
    public override void OnPacket(in RtpPacket packet, long nowMs)
    {
        if (!descriptors.TryRead(packet, out var descriptor) || descriptors.Structure is not { } structure)
        {
            return;
        }

        for (var target = 0; target < structure.DecodeTargetCount; target++)
        {
            var spatial = structure.DecodeTargetSpatialId(target);
            var temporal = structure.DecodeTargetTemporalId(target);
            if (spatial < SpatialLayers && temporal < TemporalLayers && descriptor.Dti(target) != DecodeTargetIndication.NotPresent)
            {
                Count(spatial, temporal, packet.Length, nowMs);
            }
        }

        Seen(descriptor.SpatialId, nowMs);
    }
}
