using Parley.Media.Rtp;

namespace Parley.Media.Routing;

/// <summary>
/// How an <see cref="SvcConsumer"/> tells which packets of one scalable stream belong to the layers it forwards, one
/// class per way the layers are described: the VP9 payload descriptor (<see cref="Vp9SvcLayerFilter"/>) or the
/// dependency descriptor (<see cref="DependencyDescriptorLayerFilter"/>). Each moves its current layers toward the
/// target only where the stream allows it, and rewrites the consumer's copies to match (the marker bit at the end of
/// the forwarded spatial layer's frame, the dependency descriptor's active decode targets). Worker thread only.
/// </summary>
internal abstract class SvcLayerFilter : IRtpPacketRewriter
{
    public const int NoLayer = -1;

    /// <summary>The spatial layer forwarded now; <see cref="NoLayer"/> until a keyframe.</summary>
    public int CurrentSpatial { get; protected set; } = NoLayer;

    /// <summary>The highest temporal layer forwarded now; <see cref="NoLayer"/> until a keyframe.</summary>
    public int CurrentTemporal { get; protected set; } = NoLayer;

    /// <summary>
    /// Whether a router-space packet goes out to a receiver that wants at most <paramref name="targetSpatial"/> and
    /// <paramref name="targetTemporal"/>; moves the current layers where the packet allows. Called per packet: no allocation.
    /// </summary>
    public abstract bool ShouldForward(in RtpPacket packet, bool isKeyFrame, int targetSpatial, int targetTemporal);

    /// <summary>True when reaching the target's spatial layer takes a keyframe.</summary>
    public abstract bool NeedsKeyFrame(int targetSpatial, int targetTemporal);

    /// <summary>A new forwarding period: nothing is forwarded until the next keyframe.</summary>
    public virtual void Reset()
    {
        CurrentSpatial = NoLayer;
        CurrentTemporal = NoLayer;
    }

    /// <inheritdoc/>
    public abstract int Rewrite(Span<byte> buffer, int length);

    /// <summary>Sets the marker bit of a copy that ends a frame of the spatial layer forwarded (the receiver's end of picture).</summary>
    private protected void MarkEndOfPicture(Span<byte> buffer, int length, bool endOfFrame, int spatialId)
    {
        if (endOfFrame && spatialId == CurrentSpatial && RtpPacket.TryParse(buffer[..length], out var packet))
        {
            packet.Marker = true;
        }
    }
}
