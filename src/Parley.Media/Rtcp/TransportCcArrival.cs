namespace Parley.Media.Rtcp;

/// <summary>A packet a receiver saw, as input to RtcpTransportFeedback.TryWrite.</summary>
/// <param name="SequenceNumber">Transport-wide sequence number from the RTP header extension.</param>
/// <param name="ArrivalTimeMicroseconds">Local arrival time, non-negative, on any monotonic clock.</param>
internal readonly record struct TransportCcArrival(ushort SequenceNumber, long ArrivalTimeMicroseconds);
