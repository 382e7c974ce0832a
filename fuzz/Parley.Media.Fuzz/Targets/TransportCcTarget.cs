using Parley.Media.Rtcp;

namespace Parley.Media.Fuzz.Targets;

/// <summary>
/// Transport-wide congestion control feedback (one RTPFB FMT 15 packet): parse, enumerate every status
/// (exactly the announced count, consecutive sequence numbers), then write the received packets' arrival times
/// back and parse them again (the same arrivals).
/// </summary>
internal static class TransportCcTarget
{
    public static void Run(ReadOnlySpan<byte> input) => Check(input);

    public static void Check(ReadOnlySpan<byte> packet)
    {
        if (!RtcpTransportFeedback.TryParse(packet, out var feedback))
        {
            return;
        }

        var arrivals = Arrivals(feedback);
        if (arrivals.Count == 0)
        {
            return;
        }

        Span<byte> output = new byte[64 + (arrivals.Count * 8)];
        if (!RtcpTransportFeedback.TryWrite(output, feedback.SenderSsrc, feedback.MediaSsrc, feedback.FeedbackPacketCount, [.. arrivals], out var written))
        {
            // Negative times and deltas beyond two bytes are legal to receive but not written: split feedback then.
            return;
        }

        FuzzInvariantException.Check(RtcpTransportFeedback.TryParse(output[..written], out var again), "written feedback parses");
        FuzzInvariantException.Check(again.FeedbackPacketCount == feedback.FeedbackPacketCount && again.MediaSsrc == feedback.MediaSsrc, "feedback fields round-trip");
        var againArrivals = Arrivals(again);
        FuzzInvariantException.Check(
            againArrivals.Count == arrivals.Count && againArrivals.Zip(arrivals).All(pair => SameArrival(pair.First, pair.Second)),
            $"arrivals round-trip: read {string.Join(' ', arrivals.Take(4))}, wrote and read back {string.Join(' ', againArrivals.Take(4))}");
    }

    /// <summary>
    /// The same packet at the same time, modulo the reference time's wrap: it is 24 bits of 64 ms (about 12.4 days,
    /// read signed), so a writer's clock past 2^23 units reads back shifted by a whole wrap, as the format intends.
    /// </summary>
    private static bool SameArrival(TransportCcArrival actual, TransportCcArrival expected) =>
        actual.SequenceNumber == expected.SequenceNumber
        && (actual.ArrivalTimeMicroseconds - expected.ArrivalTimeMicroseconds) % ReferenceWrapMicroseconds == 0;

    private const long ReferenceWrapMicroseconds = (1L << 24) * RtcpTransportFeedback.ReferenceTickMicroseconds;

    private static List<TransportCcArrival> Arrivals(in RtcpTransportFeedback feedback)
    {
        var arrivals = new List<TransportCcArrival>();
        var expectedSequence = feedback.BaseSequenceNumber;
        var time = feedback.ReferenceTimeMicroseconds;
        var count = 0;
        foreach (var status in feedback.Packets)
        {
            FuzzInvariantException.Check(status.SequenceNumber == expectedSequence, "statuses are consecutive from the base");
            expectedSequence++;
            count++;
            if (status.Received)
            {
                time += status.DeltaMicroseconds;
                arrivals.Add(new TransportCcArrival(status.SequenceNumber, time));
            }
        }

        FuzzInvariantException.Check(count == feedback.PacketStatusCount, "every announced status is enumerated");
        return arrivals;
    }
}
