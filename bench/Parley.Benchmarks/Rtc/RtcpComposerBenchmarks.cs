using BenchmarkDotNet.Attributes;
using Parley.Media.Rtc;

namespace Parley.Benchmarks.Rtc;

/// <summary>The RTCP a worker writes each interval for one consumer and one producer stream.</summary>
[MemoryDiagnoser]
public class RtcpComposerBenchmarks
{
    private readonly byte[] _buffer = new byte[1500];
    private readonly SendStreamStatistics _send = new(1, 90000);
    private readonly ReceiveStreamStatistics[] _streams = [new(2, 90000), new(3, 48000)];
    private readonly ushort[] _lost = [100, 101, 105, 130];
    private long _now;

    [GlobalSetup]
    public void Setup()
    {
        _send.OnPacketSent(0, 1200, 0);
        foreach (var stream in _streams)
        {
            for (ushort s = 0; s < 100; s++)
            {
                stream.OnPacket(s, s * 3000u, 1200, s * 33);
            }
        }
    }

    [Benchmark]
    public int SenderReportSdesReceiverReportsAndNack()
    {
        _now += 1000;
        var composer = new RtcpComposer(_buffer);
        composer.TryAddSenderReport(_send, _now, NtpTime.FromUnixMilliseconds(1_700_000_000_000 + _now));
        composer.TryAddCname(1, "{9c00eb92-1afb-9d49-a47d-91f64eee69f5}"u8);
        composer.TryAddReceiverReports(1, _streams, _now);
        composer.TryAddGenericNack(1, 2, _lost);
        return composer.Length;
    }
}
