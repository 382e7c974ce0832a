using Parley.Media.Codecs;
using Parley.Media.Rtp;

namespace Parley.Media.Routing;

/// <summary>
/// Layers of a stream described by the dependency descriptor (AV1, AV1 RTP specification Appendix A): the consumer
/// forwards one decode target, the highest (spatial, then temporal) within the target layers that the sender marks
/// active, and forwards exactly the frames present in it. It moves to another decode target at a frame's start where
/// that frame is a switch point of the new one (a keyframe is one for all), or at once when every frame of the new one
/// is already forwarded (down in full SVC). A keyframe's new structure starts over. The copies' descriptors name as
/// active the decode targets the receiver gets whole.
/// </summary>
internal sealed class DependencyDescriptorLayerFilter(DependencyDescriptorTracker descriptors) : SvcLayerFilter
{
    private const int NoTarget = -1;

    private int _currentTarget = NoTarget;

    public override bool ShouldForward(in RtpPacket packet, bool isKeyFrame, int targetSpatial, int targetTemporal)
    {
        if (!descriptors.TryRead(packet, out var descriptor) || descriptors.Structure is not { } structure)
        {
            return false;
        }

        if (descriptor.HasStructure)
        {
            _currentTarget = NoTarget;
        }

        var wanted = ChooseDecodeTarget(structure, targetSpatial, targetTemporal);
        if (descriptor.StartOfFrame && wanted != NoTarget && wanted != _currentTarget
            && (descriptor.Dti(wanted) == DecodeTargetIndication.Switch
                || (_currentTarget != NoTarget && (WholeUnder(structure, _currentTarget) & (1u << wanted)) != 0)))
        {
            SetCurrent(structure, wanted);
        }

        return _currentTarget != NoTarget && descriptor.Dti(_currentTarget) != DecodeTargetIndication.NotPresent;
    }

    public override bool NeedsKeyFrame(int targetSpatial, int targetTemporal)
    {
        if (_currentTarget == NoTarget || descriptors.Structure is not { } structure)
        {
            return true;
        }

        var wanted = ChooseDecodeTarget(structure, targetSpatial, targetTemporal);
        return wanted != NoTarget && structure.DecodeTargetSpatialId(wanted) != CurrentSpatial;
    }

    public override void Reset()
    {
        base.Reset();
        _currentTarget = NoTarget;
    }

    public override int Rewrite(Span<byte> buffer, int length)
    {
        if (RtpPacket.TryParse(buffer[..length], out var packet) && descriptors.TryReadCopy(packet, out var descriptor))
        {
            MarkEndOfPicture(buffer, length, descriptor.EndOfFrame, descriptor.SpatialId);
        }

        return descriptors.Rewrite(buffer, length);
    }

    /// <summary>The highest active decode target (spatial layer first) within the target layers; the lowest active one when none is.</summary>
    private int ChooseDecodeTarget(Av1DependencyStructure structure, int targetSpatial, int targetTemporal)
    {
        int chosen = NoTarget, lowest = NoTarget;
        for (var target = 0; target < structure.DecodeTargetCount; target++)
        {
            if ((descriptors.SenderActiveDecodeTargets & (1u << target)) == 0)
            {
                continue;
            }

            var rank = Rank(structure, target);
            if (lowest == NoTarget || rank < Rank(structure, lowest))
            {
                lowest = target;
            }

            if (structure.DecodeTargetSpatialId(target) <= targetSpatial && structure.DecodeTargetTemporalId(target) <= targetTemporal
                && (chosen == NoTarget || rank > Rank(structure, chosen)))
            {
                chosen = target;
            }
        }

        return chosen == NoTarget ? lowest : chosen;
    }

    private static int Rank(Av1DependencyStructure structure, int target) =>
        (structure.DecodeTargetSpatialId(target) * Av1DependencyStructure.MaxDecodeTargets) + structure.DecodeTargetTemporalId(target);

    /// <summary>The decode targets whose every frame is in <paramref name="target"/> (so a receiver of it gets them whole).</summary>
    private static uint WholeUnder(Av1DependencyStructure structure, int target)
    {
        uint mask = 0;
        for (var other = 0; other < structure.DecodeTargetCount; other++)
        {
            var whole = true;
            for (var template = 0; template < structure.TemplateCount && whole; template++)
            {
                whole = structure.TemplateDti(template, other) == DecodeTargetIndication.NotPresent
                    || structure.TemplateDti(template, target) != DecodeTargetIndication.NotPresent;
            }

            if (whole)
            {
                mask |= 1u << other;
            }
        }

        return mask;
    }

    private void SetCurrent(Av1DependencyStructure structure, int target)
    {
        _currentTarget = target;
        CurrentSpatial = structure.DecodeTargetSpatialId(target);
        CurrentTemporal = structure.DecodeTargetTemporalId(target);
        descriptors.ForwardedDecodeTargets = WholeUnder(structure, target);
    }
}
