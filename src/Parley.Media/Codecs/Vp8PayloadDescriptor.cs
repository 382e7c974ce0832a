namespace Parley.Media.Codecs;

/// <summary>
/// VP8 RTP payload descriptor (RFC 7741 §4.2): enough to tell a keyframe's first packet, to find the picture ID and
/// TL0PICIDX fields that a simulcast switch must keep continuous, and to read the temporal layer a packet belongs to.
/// </summary>
internal static class Vp8PayloadDescriptor
{
    /// <summary>
    /// Finds the picture ID (7 or 15 bits) and TL0PICIDX fields of <paramref name="payload"/>; false when the
    /// descriptor is truncated. A field the descriptor lacks has offset -1.
    /// </summary>
    public static bool TryGetLayout(ReadOnlySpan<byte> payload, out Vp8DescriptorLayout layout)
    {
        if (!TryWalk(payload, out var fields))
        {
            layout = new Vp8DescriptorLayout(-1, false, -1);
            return false;
        }

        layout = new Vp8DescriptorLayout(fields.PictureIdOffset, fields.LongPictureId, fields.Tl0PicIdxOffset);
        return true;
    }

    /// <summary>
    /// Reads the temporal layer (TID), the layer sync bit (Y) and whether <paramref name="payload"/> starts a picture
    /// (S=1 with partition index 0); false when the descriptor is truncated. A descriptor without the T bit belongs to
    /// temporal layer 0 and is no layer sync.
    /// </summary>
    public static bool TryGetTemporalInfo(ReadOnlySpan<byte> payload, out Vp8TemporalInfo info)
    {
        if (!TryWalk(payload, out var fields))
        {
            info = default;
            return false;
        }

        var startsPicture = (payload[0] & 0x17) == 0x10;
        if (fields.TidOffset < 0)
        {
            info = new Vp8TemporalInfo(0, false, startsPicture);
            return true;
        }

        var tidByte = payload[fields.TidOffset];
        info = new Vp8TemporalInfo(tidByte >> 6, (tidByte & 0x20) != 0, startsPicture);
        return true;
    }

    /// <summary>
    /// True when <paramref name="payload"/> starts partition 0 of a frame (S=1, PID=0) whose VP8 payload header has
    /// the inverse key-frame flag P cleared (RFC 6386 §9.1).
    /// </summary>
    public static bool IsKeyFrame(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 1 || (payload[0] & 0x17) != 0x10 || !TryWalk(payload, out var fields))
        {
            return false;
        }

        // The VP8 frame tag is 3 bytes; a keyframe adds a start code and dimensions after it.
        var offset = fields.Length;
        return payload.Length >= offset + 3 && (payload[offset] & 0x01) == 0;
    }

    /// <summary>Where each optional field of the descriptor is (-1: absent) and how long it is; false when truncated.</summary>
    private static bool TryWalk(ReadOnlySpan<byte> payload, out DescriptorFields fields)
    {
        fields = new DescriptorFields(-1, false, -1, -1, 1);
        if (payload.Length < 1)
        {
            return false;
        }

        if ((payload[0] & 0x80) == 0)
        {
            return true;
        }

        if (payload.Length < 2)
        {
            return false;
        }

        var extension = payload[1];
        var offset = 2;
        var pictureIdOffset = -1;
        var longPictureId = false;
        if ((extension & 0x80) != 0)
        {
            if (payload.Length <= offset)
            {
                return false;
            }

            pictureIdOffset = offset;
            longPictureId = (payload[offset] & 0x80) != 0;
            offset += longPictureId ? 2 : 1;
        }

        var tl0Offset = -1;
        if ((extension & 0x40) != 0)
        {
            tl0Offset = offset;
            offset++;
        }

        // The TID/Y/KEYIDX byte is there when T or K is set; TID and Y mean something only with T.
        var tidOffset = -1;
        if ((extension & 0x30) != 0)
        {
            if ((extension & 0x20) != 0)
            {
                tidOffset = offset;
            }

            offset++;
        }

        if (payload.Length < offset)
        {
            return false;
        }

        fields = new DescriptorFields(pictureIdOffset, longPictureId, tl0Offset, tidOffset, offset);
        return true;
    }

    private readonly record struct DescriptorFields(int PictureIdOffset, bool LongPictureId, int Tl0PicIdxOffset, int TidOffset, int Length);
}

/// <summary>Where a VP8 payload descriptor keeps its picture ID (15 bits when long, else 7) and TL0PICIDX; -1: absent.</summary>
internal readonly record struct Vp8DescriptorLayout(int PictureIdOffset, bool LongPictureId, int Tl0PicIdxOffset);

/// <summary>
/// The temporal layer of a VP8 packet (0 without the T bit), whether its picture is a layer sync (Y: it depends only
/// on base-layer pictures, so a receiver may start taking its layer there), and whether the packet starts the picture.
/// </summary>
internal readonly record struct Vp8TemporalInfo(int TemporalLayer, bool LayerSync, bool StartsPicture);
