namespace Parley.Media.Codecs;

/// <summary>VP8 RTP payload descriptor (RFC 7741 §4.2): just enough to tell a keyframe's first packet.</summary>
internal static class Vp8PayloadDescriptor
{
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
