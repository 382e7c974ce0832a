namespace Parley.Media.Rtcp;

/// <summary>Bit layout of the three packet status chunk kinds (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.3–3.1.4).</summary>
internal static class TransportCcChunks
{
    public const int MaxRunLength = 0x1FFF;
    public const int OneBitCapacity = 14;
    public const int TwoBitCapacity = 7;

    /// <summary>Number of symbols <paramref name="chunk"/> describes.</summary>
    public static int Capacity(ushort chunk) => (chunk & 0x8000) == 0
        ? chunk & MaxRunLength
        : (chunk & 0x4000) == 0 ? OneBitCapacity : TwoBitCapacity;

    /// <summary>Symbol number <paramref name="index"/> of <paramref name="chunk"/> (index &lt; capacity).</summary>
    public static TransportCcSymbol SymbolAt(ushort chunk, int index)
    {
        if ((chunk & 0x8000) == 0)
        {
            return (TransportCcSymbol)((chunk >> 13) & 0x3);
        }

        return (chunk & 0x4000) == 0
            ? (TransportCcSymbol)((chunk >> (13 - index)) & 0x1)
            : (TransportCcSymbol)((chunk >> (12 - (2 * index))) & 0x3);
    }

    public static int DeltaSize(TransportCcSymbol symbol) => symbol switch
    {
        TransportCcSymbol.SmallDelta => 1,
        TransportCcSymbol.LargeDelta => 2,
        _ => 0,
    };

    public static ushort RunLength(TransportCcSymbol symbol, int length) => (ushort)(((int)symbol << 13) | length);
}
