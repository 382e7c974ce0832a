using Parley.Media.Codecs;
using Parley.Media.Rtp;

namespace Parley.Media.Routing;

/// <summary>
/// Layers of VP9 SVC read from the payload descriptor (RFC 9628). A picture's packets share its timestamp; the layers
/// change at a picture's first packet: every layer at a keyframe; down in temporal layer at any picture, and down in
/// spatial layer at any picture in full SVC (the lower layers were forwarded all along); up in temporal layer at a
/// switching up point (U) of the new layer. Up in spatial layer, and down in k-SVC (<c>_KEY</c> modes: the lower layers'
/// pictures since the keyframe were not forwarded), takes a keyframe. Forwarded: packets of the current spatial layer
/// and below, of the current temporal layer and below; in k-SVC the lower spatial layers only within the keyframe's
/// picture (intra-coded, P=0), the only place upper layers lean on them. When the producer also sends the dependency
/// descriptor, the copies' active decode targets say which layers the receiver gets.
/// </summary>
internal sealed class Vp9SvcLayerFilter(bool keySvc, DependencyDescriptorTracker? descriptors) : SvcLayerFilter
{
    private bool _inPicture;
    private uint _pictureTimestamp;

    public override bool ShouldForward(in RtpPacket packet, bool isKeyFrame, int targetSpatial, int targetTemporal)
    {
        descriptors?.TryRead(packet, out _);
        if (!Vp9PayloadDescriptor.TryRead(packet.Payload, out var descriptor))
        {
            return false;
        }

        if (!_inPicture || packet.Timestamp != _pictureTimestamp)
        {
            _inPicture = true;
            _pictureTimestamp = packet.Timestamp;
            StartPicture(descriptor, isKeyFrame, targetSpatial, targetTemporal);
        }

        if (CurrentSpatial == NoLayer || descriptor.SpatialId > CurrentSpatial || descriptor.TemporalId > CurrentTemporal)
        {
            return false;
        }

        return !keySvc || descriptor.SpatialId == CurrentSpatial || !descriptor.InterPicturePredicted;
    }

    public override bool NeedsKeyFrame(int targetSpatial, int targetTemporal) => CurrentSpatial == NoLayer
        || targetSpatial > CurrentSpatial || (keySvc && targetSpatial < CurrentSpatial);

    public override void Reset()
    {
        base.Reset();
        _inPicture = false;
    }

    public override int Rewrite(Span<byte> buffer, int length)
    {
        if (RtpPacket.TryParse(buffer[..length], out var packet) && Vp9PayloadDescriptor.TryRead(packet.Payload, out var descriptor))
        {
            MarkEndOfPicture(buffer, length, descriptor.EndOfFrame, descriptor.SpatialId);
        }

        return descriptors is null ? length : descriptors.Rewrite(buffer, length);
    }

    private void StartPicture(in Vp9Descriptor descriptor, bool isKeyFrame, int targetSpatial, int targetTemporal)
    {
        var spatial = CurrentSpatial;
        var temporal = CurrentTemporal;
        if (isKeyFrame)
        {
            spatial = targetSpatial;
            temporal = targetTemporal;
        }
        else if (spatial != NoLayer)
        {
            if (targetSpatial < spatial && !keySvc)
            {
                spatial = targetSpatial;
            }

            if (targetTemporal < temporal)
            {
                temporal = targetTemporal;
            }
            else if (descriptor.SwitchingUpPoint && descriptor.TemporalId > temporal && descriptor.TemporalId <= targetTemporal)
            {
                temporal = descriptor.TemporalId;
            }
        }

        if (spatial == CurrentSpatial && temporal == CurrentTemporal)
        {
            return;
        }

        CurrentSpatial = spatial;
        CurrentTemporal = temporal;
        if (descriptors?.Structure is { } structure)
        {
            descriptors.ForwardedDecodeTargets = ForwardedDecodeTargets(structure);
        }
    }

    /// <summary>The decode targets a receiver of the current layers gets whole: in k-SVC those of its own spatial layer.</summary>
    private uint ForwardedDecodeTargets(Av1DependencyStructure structure)
    {
        uint mask = 0;
        for (var target = 0; target < structure.DecodeTargetCount; target++)
        {
            var spatial = structure.DecodeTargetSpatialId(target);
            if ((keySvc ? spatial == CurrentSpatial : spatial <= CurrentSpatial) && structure.DecodeTargetTemporalId(target) <= CurrentTemporal)
            {
                mask |= 1u << target;
            }
        }

        return mask;
    }
}
