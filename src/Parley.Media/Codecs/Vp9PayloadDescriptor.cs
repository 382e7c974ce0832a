namespace Parley.Media.Codecs;

/// <summary>VP9 RTP payload descriptor (RFC 9628 §4.2): just enough to tell a keyframe's first packet.</summary>
internal static class Vp9PayloadDescriptor
{
    private const byte PictureIdPresent = 0x80;
    private const byte InterPicturePredicted = 0x40;
    private const byte LayerIndicesPresent = 0x20;
    private const byte StartOfFrame = 0x08;

    /// <summary>
    /// True for the first packet (B=1) of a picture coded without inter-picture prediction (P=0) in spatial layer 0
    /// (or without layer indices).
    /// </summary>
    public static bool IsKeyFrame(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 1)
        {
            return false;
        }

        var first = payload[0];
        if ((first & InterPicturePredicted) != 0 || (first & StartOfFrame) == 0)
        {
            return false;
        }

        var offset = 1;
        if ((first & PictureIdPresent) != 0)
        {
            if (payload.Length <= offset)
            {
                return false;
            }

            offset += (payload[offset] & 0x80) != 0 ? 2 : 1;
        }

        if ((first & LayerIndicesPresent) != 0)
        {
            if (payload.Length <= offset)
            {
                return false;
            }

            var spatialId = (payload[offset] >> 1) & 0x07;
            return spatialId == 0;
        }

        return payload.Length > offset;
    }
}
