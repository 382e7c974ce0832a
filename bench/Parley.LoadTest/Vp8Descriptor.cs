namespace Parley.LoadTest;

/// <summary>Writes the VP8 RTP payload descriptor (RFC 7741 §4.2) Chromium sends for L1T3, and a VP8 frame tag.</summary>
internal static class Vp8Descriptor
{
    /// <summary>X, S on the first packet, PID 0; I (15-bit picture ID), L (TL0PICIDX), T (TID, Y). Returns 6.</summary>
    public static int Write(Span<byte> destination, bool startOfFrame, ushort pictureId, byte tl0PicIdx, int temporalLayer, bool layerSync)
    {
        destination[0] = (byte)(0x80 | (startOfFrame ? 0x10 : 0));
        destination[1] = 0x80 | 0x40 | 0x20;
        destination[2] = (byte)(0x80 | ((pictureId >> 8) & 0x7F));
        destination[3] = (byte)pictureId;
        destination[4] = tl0PicIdx;
        destination[5] = (byte)((temporalLayer << 6) | (layerSync ? 0x20 : 0));
        return 6;
    }

    /// <summary>
    /// The VP8 frame tag (RFC 6386 §9.1): the inverse keyframe bit P clear for a keyframe, which also carries the start
    /// code and a 640x360 size. Returns the bytes written.
    /// </summary>
    public static int WriteFrameHeader(Span<byte> destination, bool keyFrame)
    {
        if (!keyFrame)
        {
            destination[0] = 0x01 | 0x10; // P=1 (interframe), show_frame
            destination[1] = 0x00;
            destination[2] = 0x00;
            return 3;
        }

        ReadOnlySpan<byte> header = [0x10, 0x00, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0x68, 0x01];
        header.CopyTo(destination);
        return header.Length;
    }
}
