namespace Parley.Media.Rtcp;

/// <summary>One transport-wide sequence number in a feedback packet: whether it arrived and its receive delta.</summary>
/// <param name="SequenceNumber">Transport-wide sequence number.</param>
/// <param name="Symbol">How the packet is reported.</param>
/// <param name="DeltaMicroseconds">
/// Arrival time relative to the previous received packet (for the first one, to the reference time), in
/// microseconds at 250 µs resolution; 0 when not received.
/// </param>
internal readonly record struct TransportCcPacketStatus(ushort SequenceNumber, TransportCcSymbol Symbol, long DeltaMicroseconds)
{
    public bool Received => Symbol is TransportCcSymbol.SmallDelta or TransportCcSymbol.LargeDelta;
}
