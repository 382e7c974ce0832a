using System.Buffers.Binary;

namespace Parley.Media.Codecs;

/// <summary>H.264 RTP payload (RFC 6184 §5): keyframe detection over single NAL units, STAP-A and FU-A.</summary>
internal static class H264Payload
{
    private const int NalTypeIdr = 5;
    private const int NalTypeSps = 7;
    private const int NalTypeStapA = 24;
    private const int NalTypeFuA = 28;

    /// <summary>
    /// True when the packet carries an IDR slice or a sequence parameter set (which precedes one), either as a single
    /// NAL unit, inside a STAP-A aggregate, or as the start fragment of a FU-A.
    /// </summary>
    public static bool IsKeyFrame(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 1)
        {
            return false;
        }

        var nalType = payload[0] & 0x1F;
        switch (nalType)
        {
            case NalTypeIdr:
            case NalTypeSps:
                return true;
            case NalTypeStapA:
                var offset = 1;
                while (offset + 2 < payload.Length)
                {
                    var size = BinaryPrimitives.ReadUInt16BigEndian(payload[offset..]);
                    offset += 2;
                    if (size == 0 || offset + size > payload.Length)
                    {
                        return false;
                    }

                    var inner = payload[offset] & 0x1F;
                    if (inner is NalTypeIdr or NalTypeSps)
                    {
                        return true;
                    }

                    offset += size;
                }

                return false;
            case NalTypeFuA:
                if (payload.Length < 2)
                {
                    return false;
                }

                var isStart = (payload[1] & 0x80) != 0;
                var fragmentType = payload[1] & 0x1F;
                return isStart && fragmentType is NalTypeIdr or NalTypeSps;
            default:
                return false;
        }
    }
}
