using Parley.Media.Codecs;
using Parley.Media.Ortc;
using Parley.Media.Rtp;

namespace Parley.Media.Routing;

/// <summary>
/// An SVC consumer's view of its producer's dependency descriptors: it reads each router-space packet's descriptor
/// against the latest template structure (keeping the structure a keyframe brings and the decode targets the sender
/// marks active), and rewrites the consumer's copies with the decode targets the receiver really gets as the active
/// ones. Worker thread only; nothing allocates per packet.
/// </summary>
internal sealed class DependencyDescriptorTracker
{
    private readonly byte _producerId;
    private readonly byte _consumerId;
    private readonly Av1DependencyStructure _rewriteScratch = new();
    private Av1DependencyStructure _scratch = new();
    private Av1DependencyStructure _structure = new();
    private bool _hasStructure;

    private DependencyDescriptorTracker(byte producerId, byte consumerId)
    {
        _producerId = producerId;
        _consumerId = consumerId;
    }

    /// <summary>The current template structure; null before the first keyframe's.</summary>
    public Av1DependencyStructure? Structure => _hasStructure ? _structure : null;

    /// <summary>The decode targets the sender marks active (all of them at each new structure).</summary>
    public uint SenderActiveDecodeTargets { get; private set; }

    /// <summary>The decode targets written into the consumer's copies as active.</summary>
    public uint ForwardedDecodeTargets { get; set; }

    /// <summary>A tracker when the producer sends the descriptor; null when it does not.</summary>
    public static DependencyDescriptorTracker? Create(RtpParameters producer, RtpParameters consumer)
    {
        var produced = producer.HeaderExtensions.Find(e => e.Uri == RtpHeaderExtensionUris.DependencyDescriptor);
        if (produced is not { Id: > 0 and <= 255 })
        {
            return null;
        }

        var consumed = consumer.HeaderExtensions.Find(e => e.Uri == RtpHeaderExtensionUris.DependencyDescriptor);
        return new DependencyDescriptorTracker((byte)produced.Id, consumed is { Id: > 0 and <= 255 } ? (byte)consumed.Id : (byte)0);
    }

    /// <summary>A tracker that only reads the producer's descriptors (it rewrites nothing); null when the producer does not send them.</summary>
    public static DependencyDescriptorTracker? ForProducer(RtpParameters producer) => Create(producer, new RtpParameters());

    /// <summary>Reads a router-space packet's descriptor, keeping a structure it brings; false without a readable one.</summary>
    public bool TryRead(in RtpPacket packet, out Av1DependencyDescriptor descriptor)
    {
        descriptor = default;
        if (!TryFind(packet, _producerId, out var data)
            || !Av1DependencyDescriptorReader.TryRead(data, Structure, _scratch, out descriptor))
        {
            return false;
        }

        if (descriptor.HasStructure)
        {
            (_structure, _scratch) = (_scratch, _structure);
            _hasStructure = true;
        }

        if (descriptor.HasStructure || descriptor.HasActiveDecodeTargets)
        {
            SenderActiveDecodeTargets = descriptor.ActiveDecodeTargets;
        }

        return true;
    }

    /// <summary>Reads the descriptor of a consumer's copy (consumer extension ID) without keeping anything.</summary>
    public bool TryReadCopy(in RtpPacket packet, out Av1DependencyDescriptor descriptor)
    {
        descriptor = default;
        return TryFind(packet, _consumerId, out var data) && Av1DependencyDescriptorReader.TryRead(data, Structure, _rewriteScratch, out descriptor);
    }

    /// <summary>
    /// Writes <see cref="ForwardedDecodeTargets"/> as the active decode targets into the descriptor of the consumer's copy
    /// in <paramref name="buffer"/>; returns the new length (the old one when there is nothing to rewrite).
    /// </summary>
    public int Rewrite(Span<byte> buffer, int length)
    {
        if (_consumerId == 0 || !RtpPacket.TryParse(buffer[..length], out var packet) || !TryFind(packet, _consumerId, out var data)
            || !Av1DependencyDescriptorReader.TryRead(data, Structure, _rewriteScratch, out var descriptor))
        {
            return length;
        }

        var structure = descriptor.HasStructure ? _rewriteScratch : _structure;
        Span<byte> rewritten = stackalloc byte[255];
        var written = Av1DependencyDescriptorWriter.Write(descriptor, data, structure, ForwardedDecodeTargets, rewritten);
        return written > 0 && RtpExtensionValueWriter.TryReplace(buffer, length, _consumerId, rewritten[..written], out var newLength)
            ? newLength
            : length;
    }

    private static bool TryFind(in RtpPacket packet, byte id, out ReadOnlySpan<byte> data)
    {
        foreach (var element in packet.Extensions)
        {
            if (element.Id == id)
            {
                data = element.Value;
                return true;
            }
        }

        data = default;
        return false;
    }
}
