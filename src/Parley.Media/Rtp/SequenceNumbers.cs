namespace Parley.Media.Rtp;

/// <summary>Arithmetic on 16-bit RTP sequence numbers, which wrap from 65535 to 0.</summary>
internal static class SequenceNumbers
{
    /// <summary>The signed distance from <paramref name="from"/> to <paramref name="to"/>, in [-32768, 32767].</summary>
    public static int Distance(ushort from, ushort to) => (short)(ushort)(to - from);

    /// <summary>
    /// True when <paramref name="candidate"/> comes after <paramref name="reference"/> in RTP order.
    /// Exactly half the ring away is ambiguous; the larger raw value wins there so that the relation stays
    /// antisymmetric (the same tie rule libwebrtc uses).
    /// </summary>
    public static bool IsNewer(ushort candidate, ushort reference)
    {
        var diff = (ushort)(candidate - reference);
        if (diff == 0x8000)
        {
            return candidate > reference;
        }

        return diff != 0 && diff < 0x8000;
    }

    /// <summary>The newer of two sequence numbers in RTP order.</summary>
    public static ushort Latest(ushort a, ushort b) => IsNewer(a, b) ? a : b;
}
