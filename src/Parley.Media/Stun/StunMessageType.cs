namespace Parley.Media.Stun;

/// <summary>The class of a STUN message (RFC 8489 §5): the two bits C1 and C0 of the message type.</summary>
internal enum StunClass : byte
{
    Request = 0b00,
    Indication = 0b01,
    SuccessResponse = 0b10,
    ErrorResponse = 0b11,
}

/// <summary>STUN methods used by ICE (RFC 8489 §18.2).</summary>
internal enum StunMethod : ushort
{
    Binding = 0x001,
}

/// <summary>
/// Packs and unpacks the 14-bit message type, whose class bits are interleaved with the method bits
/// (M11..M7 C1 M6..M4 C0 M3..M0) so that STUN stays distinguishable from other protocols.
/// </summary>
internal static class StunMessageType
{
    public static ushort Encode(StunClass stunClass, StunMethod method)
    {
        var m = (int)method;
        var c = (int)stunClass;
        return (ushort)((m & 0x000F) | ((c & 0b01) << 4) | ((m & 0x0070) << 1) | ((c & 0b10) << 7) | ((m & 0x0F80) << 2));
    }

    public static StunClass GetClass(ushort type) => (StunClass)(((type >> 4) & 0b01) | ((type >> 7) & 0b10));

    public static StunMethod GetMethod(ushort type) => (StunMethod)((type & 0x000F) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0F80));
}
