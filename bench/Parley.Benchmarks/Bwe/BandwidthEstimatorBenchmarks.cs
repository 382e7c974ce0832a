using BenchmarkDotNet.Attributes;
using Parley.Media.Bwe;
using Parley.Media.Rtcp;

namespace Parley.Benchmarks.Bwe;

/// <summary>
/// One transport-cc feedback through the send-side estimator: 64 packets recorded as sent, then their feedback
/// parsed and processed (history match, acknowledged rate, delay-based and loss-based estimators, probe checks).
/// 64 packets is about 50 ms of a 10 Mbit/s transport; 1,024 prepared feedbacks cover the 16-bit sequence space.
/// </summary>
[MemoryDiagnoser]
public class BandwidthEstimatorBenchmarks
{
    private const int PacketsPerFeedback = 64;
    private const int Feedbacks = 65536 / PacketsPerFeedback;

    private readonly byte[][] _feedback = new byte[Feedbacks][];
    private SendSideBandwidthEstimator _estimator = null!;
    private int _next;
    private long _now;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var buffer = new byte[1500];
        var arrivals = new TransportCcArrival[PacketsPerFeedback];
        for (var f = 0; f < Feedbacks; f++)
        {
            var count = 0;
            for (var i = 0; i < PacketsPerFeedback; i++)
            {
                // 1 % lost, arrivals 781 µs apart with up to 500 µs of jitter.
                if (i > 0 && random.NextDouble() < 0.01)
                {
                    continue;
                }

                var sequence = (f * PacketsPerFeedback) + i;
                arrivals[count++] = new TransportCcArrival((ushort)sequence, 1_000_000 + (sequence * 781L) + random.Next(500));
            }

            RtcpTransportFeedback.TryWrite(buffer, 1, 2, (byte)f, arrivals.AsSpan(0, count), out var written);
            _feedback[f] = buffer[..written];
        }

        _estimator = new SendSideBandwidthEstimator(BandwidthEstimatorOptions.Default, 0);
    }

    [Benchmark]
    public long SendAndProcessOneFeedbackOf64Packets()
    {
        var f = _next;
        _next = (_next + 1) % Feedbacks;
        for (var i = 0; i < PacketsPerFeedback; i++)
        {
            _estimator.OnPacketSent((ushort)((f * PacketsPerFeedback) + i), _now + (i * 781L), 1200);
        }

        _now += PacketsPerFeedback * 781L;
        RtcpTransportFeedback.TryParse(_feedback[f], out var feedback);
        return _estimator.OnTransportFeedback(feedback, _now + 40_000);
    }
}
