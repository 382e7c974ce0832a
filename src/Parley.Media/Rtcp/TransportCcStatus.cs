namespace Parley.Media.Rtcp;

/// <summary>Packet status symbols of transport-wide CC feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.1).</summary>
internal enum TransportCcSymbol : byte
{
    NotReceived = 0,

    /// <summary>Received, with a one-byte unsigned delta (0–63.75 ms).</summary>
    SmallDelta = 1,

    /// <summary>Received, with a two-byte signed delta (or a negative one).</summary>
    LargeDelta = 2,

    /// <summary>Reserved by the draft; a packet carrying it is rejected.</summary>
    Reserved = 3,
}

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

/// <summary>A packet a receiver saw, as input to <see cref="RtcpTransportFeedback.TryWrite"/>.</summary>
/// <param name="SequenceNumber">Transport-wide sequence number from the RTP header extension.</param>
/// <param name="ArrivalTimeMicroseconds">Local arrival time, non-negative, on any monotonic clock.</param>
internal readonly record struct TransportCcArrival(ushort SequenceNumber, long ArrivalTimeMicroseconds);
