namespace Parley.Media.Codecs;

/// <summary>
/// VP8 RTP payload descriptor (RFC 7741 §4.2): enough to tell a keyframe's first packet and to find the picture ID and
/// TL0PICIDX fields that a simulcast switch must keep continuous.
/// </summary>
internal static class Vp8PayloadDescriptor
{
    /// <summary>
    /// Finds the picture ID (7 or 15 bits) and TL0PICIDX fields of <paramref name="payload"/>; false when the
    /// descriptor is truncated. A field the descriptor lacks has offset -1.
    /// </summary>
    public static bool TryGetLayout(ReadOnlySpan<byte> payload, out Vp8DescriptorLayout layout)
    {
        layout = new Vp8DescriptorLayout(-1, false, -1);
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

        if ((extension & 0x30) != 0)
        {
            offset++;
        }

        if (payload.Length < offset)
        {
            return false;
        }

        layout = new Vp8DescriptorLayout(pictureIdOffset, longPictureId, tl0Offset);
        return true;
    }

    /// <summary>
    /// True when <paramref name="payload"/> starts partition 0 of a frame (S=1, PID=0) whose VP8 payload header has
    /// the inverse key-frame flag P cleared (RFC 6386 §9.1).
    /// </summary>
    public static bool IsKeyFrame(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 1)
        {
            return false;
        }

        var first = payload[0];
        var startOfPartition = (first & 0x10) != 0;
        var partitionIndex = first & 0x07;
        if (!startOfPartition || partitionIndex != 0)
        {
            return false;
        }

        var offset = 1;
        if ((first & 0x80) != 0)
        {
            if (payload.Length < 2)
            {
                return false;
            }

            var extension = payload[1];
            offset = 2;
            if ((extension & 0x80) != 0)
            {
                if (payload.Length <= offset)
                {
                    return false;
                }

                offset += (payload[offset] & 0x80) != 0 ? 2 : 1;
            }

            if ((extension & 0x40) != 0)
            {
                offset++;
            }

            if ((extension & 0x30) != 0)
            {
                offset++;
            }
        }

        // The VP8 frame tag is 3 bytes; a keyframe adds a start code and dimensions after it.
        return payload.Length >= offset + 3 && (payload[offset] & 0x01) == 0;
    }
}

/// <summary>Where a VP8 payload descriptor keeps its picture ID (15 bits when long, else 7) and TL0PICIDX; -1: absent.</summary>
internal readonly record struct Vp8DescriptorLayout(int PictureIdOffset, bool LongPictureId, int Tl0PicIdxOffset);
