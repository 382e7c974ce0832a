namespace Parley.Media.Rtcp;

/// <summary>One generic NACK FCI entry: a lost packet ID and a bitmask of the 16 following losses.</summary>
/// <param name="PacketId">Sequence number of a lost packet (PID).</param>
/// <param name="LostBitmask">Bit i set means PID + i + 1 is lost too (BLP).</param>
internal readonly record struct RtcpNackItem(ushort PacketId, ushort LostBitmask)
{
    /// <summary>Size of an FCI entry.</summary>
    public const int Size = 4;

    /// <summary>How many sequence numbers this entry reports lost (1 to 17).</summary>
    public int LostCount => 1 + System.Numerics.BitOperations.PopCount(LostBitmask);
}
