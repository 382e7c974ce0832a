using System.Buffers.Binary;

namespace Parley.Media.Codecs;

/// <summary>
/// VP9 RTP payload descriptor (RFC 9628 §4.2): the picture ID, the layer indices (temporal and spatial layer, switching
/// up point, inter-layer dependency), TL0PICIDX in non-flexible mode, the reference differences in flexible mode, and
/// where the scalability structure (SS) is. Pure functions over the payload; nothing allocates.
/// </summary>
internal static class Vp9PayloadDescriptor
{
    private const byte PictureIdPresent = 0x80;
    private const byte InterPicturePredicted = 0x40;
    private const byte LayerIndicesPresent = 0x20;
    private const byte FlexibleMode = 0x10;
    private const byte StartOfFrame = 0x08;
    private const byte EndOfFrame = 0x04;
    private const byte ScalabilityStructurePresent = 0x02;
    private const byte NotReferenceForUpperSpatialLayers = 0x01;
    private const int MaxReferences = 3;

    /// <summary>
    /// True for the first packet (B=1) of a picture coded without inter-picture prediction (P=0) in spatial layer 0
    /// (or without layer indices).
    /// </summary>
    public static bool IsKeyFrame(ReadOnlySpan<byte> payload) =>
        TryRead(payload, out var descriptor) && descriptor is { InterPicturePredicted: false, StartOfFrame: true, SpatialId: 0 }
        && payload.Length > descriptor.Length;

    /// <summary>
    /// Reads the descriptor at the start of <paramref name="payload"/>; false when it is truncated or malformed (more
    /// than three reference differences, a scalability structure running past the end).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out Vp9Descriptor descriptor)
    {
        descriptor = default;
        if (payload.Length < 1)
        {
            return false;
        }

        var first = payload[0];
        var offset = 1;
        var pictureId = -1;
        var longPictureId = false;
        if ((first & PictureIdPresent) != 0)
        {
            if (payload.Length <= offset)
            {
                return false;
            }

            longPictureId = (payload[offset] & 0x80) != 0;
            if (longPictureId)
            {
                if (payload.Length <= offset + 1)
                {
                    return false;
                }

                pictureId = BinaryPrimitives.ReadUInt16BigEndian(payload[offset..]) & 0x7FFF;
                offset += 2;
            }
            else
            {
                pictureId = payload[offset++];
            }
        }

        var flexible = (first & FlexibleMode) != 0;
        var predicted = (first & InterPicturePredicted) != 0;
        int temporalId = 0, spatialId = 0, tl0PicIdx = -1;
        bool switchingUp = false, interLayerDependency = false, hasLayerIndices = (first & LayerIndicesPresent) != 0;
        if (hasLayerIndices)
        {
            if (payload.Length <= offset)
            {
                return false;
            }

            var layers = payload[offset++];
            temporalId = layers >> 5;
            switchingUp = (layers & 0x10) != 0;
            spatialId = (layers >> 1) & 0x07;
            interLayerDependency = (layers & 0x01) != 0;
            if (!flexible)
            {
                if (payload.Length <= offset)
                {
                    return false;
                }

                tl0PicIdx = payload[offset++];
            }
        }

        var referenceCount = 0;
        var references = 0;
        if (flexible && predicted)
        {
            bool more;
            do
            {
                if (payload.Length <= offset || referenceCount == MaxReferences)
                {
                    return false;
                }

                var difference = payload[offset++];
                references |= (difference >> 1) << (8 * referenceCount);
                referenceCount++;
                more = (difference & 0x01) != 0;
            }
            while (more);
        }

        var structureOffset = -1;
        if ((first & ScalabilityStructurePresent) != 0)
        {
            structureOffset = offset;
            if (!TryReadScalabilityStructure(payload[offset..], out var structure))
            {
                return false;
            }

            offset += structure.Length;
        }

        descriptor = new Vp9Descriptor(
            pictureId, longPictureId, predicted, flexible, (first & StartOfFrame) != 0, (first & EndOfFrame) != 0,
            (first & NotReferenceForUpperSpatialLayers) != 0, hasLayerIndices, temporalId, switchingUp, spatialId,
            interLayerDependency, tl0PicIdx, referenceCount, references, structureOffset, offset);
        return true;
    }

    /// <summary>
    /// Reads a scalability structure (RFC 9628 §4.2.1) at the start of <paramref name="data"/>; false when truncated.
    /// The resolutions and the picture group stay in <paramref name="data"/>; <see cref="Vp9ScalabilityStructure"/> finds them.
    /// </summary>
    public static bool TryReadScalabilityStructure(ReadOnlySpan<byte> data, out Vp9ScalabilityStructure structure)
    {
        structure = default;
        if (data.Length < 1)
        {
            return false;
        }

        var spatialLayers = (data[0] >> 5) + 1;
        var hasResolutions = (data[0] & 0x10) != 0;
        var hasPictureGroup = (data[0] & 0x08) != 0;
        var offset = 1;
        if (hasResolutions)
        {
            offset += spatialLayers * 4;
        }

        var pictureGroupOffset = -1;
        var pictureGroupSize = 0;
        if (hasPictureGroup)
        {
            if (data.Length <= offset)
            {
                return false;
            }

            pictureGroupSize = data[offset++];
            pictureGroupOffset = offset;
            for (var i = 0; i < pictureGroupSize; i++)
            {
                if (data.Length <= offset)
                {
                    return false;
                }

                offset += 1 + ((data[offset] >> 2) & 0x03);
            }
        }

        if (data.Length < offset)
        {
            return false;
        }

        structure = new Vp9ScalabilityStructure(spatialLayers, hasResolutions, pictureGroupOffset, pictureGroupSize, offset);
        return true;
    }
}

/// <summary>
/// A VP9 payload descriptor's fields. <see cref="PictureId"/> and <see cref="Tl0PicIdx"/> are -1 when absent; without
/// layer indices the packet is in spatial and temporal layer 0. In flexible mode a predicted picture lists up to three
/// reference differences (P_DIFF), packed one per byte in <see cref="References"/>. <see cref="ScalabilityStructureOffset"/>
/// is where the SS starts in the payload (-1: none) and <see cref="Length"/> is the descriptor's length, where the VP9
/// data starts.
/// </summary>
internal readonly record struct Vp9Descriptor(
    int PictureId,
    bool LongPictureId,
    bool InterPicturePredicted,
    bool FlexibleMode,
    bool StartOfFrame,
    bool EndOfFrame,
    bool NotReferenceForUpperSpatialLayers,
    bool HasLayerIndices,
    int TemporalId,
    bool SwitchingUpPoint,
    int SpatialId,
    bool InterLayerDependency,
    int Tl0PicIdx,
    int ReferenceCount,
    int References,
    int ScalabilityStructureOffset,
    int Length)
{
    /// <summary>The <paramref name="index"/>th reference difference (P_DIFF: how many pictures back the reference is).</summary>
    public int Reference(int index) =>
        (uint)index < (uint)ReferenceCount ? (References >> (8 * index)) & 0x7F : throw new ArgumentOutOfRangeException(nameof(index));
}

/// <summary>
/// A VP9 scalability structure: how many spatial layers, whether their resolutions are given, and the picture group
/// (non-flexible mode's fixed pattern of temporal layers and references), all read from the bytes it was parsed from.
/// </summary>
internal readonly record struct Vp9ScalabilityStructure(int SpatialLayers, bool HasResolutions, int PictureGroupOffset, int PictureGroupSize, int Length)
{
    /// <summary>The width and height of spatial layer <paramref name="layer"/>, from the structure's bytes <paramref name="data"/>.</summary>
    public (int Width, int Height) Resolution(ReadOnlySpan<byte> data, int layer)
    {
        if (!HasResolutions || (uint)layer >= (uint)SpatialLayers)
        {
            throw new ArgumentOutOfRangeException(nameof(layer));
        }

        var at = 1 + (layer * 4);
        return (BinaryPrimitives.ReadUInt16BigEndian(data[at..]), BinaryPrimitives.ReadUInt16BigEndian(data[(at + 2)..]));
    }

    /// <summary>Picture <paramref name="index"/> of the group: its temporal layer, switching up point and reference differences.</summary>
    public Vp9GroupPicture GroupPicture(ReadOnlySpan<byte> data, int index)
    {
        if ((uint)index >= (uint)PictureGroupSize)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        var at = PictureGroupOffset;
        for (var i = 0; i < index; i++)
        {
            at += 1 + ((data[at] >> 2) & 0x03);
        }

        var count = (data[at] >> 2) & 0x03;
        var references = 0;
        for (var r = 0; r < count; r++)
        {
            references |= data[at + 1 + r] << (8 * r);
        }

        return new Vp9GroupPicture(data[at] >> 5, (data[at] & 0x10) != 0, count, references);
    }
}

/// <summary>One picture of a non-flexible mode picture group: temporal layer, switching up point, references (one byte each).</summary>
internal readonly record struct Vp9GroupPicture(int TemporalId, bool SwitchingUpPoint, int ReferenceCount, int References);
