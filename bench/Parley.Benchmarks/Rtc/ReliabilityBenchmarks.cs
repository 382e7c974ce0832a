using BenchmarkDotNet.Attributes;
using Parley.Media.Rtc;

namespace Parley.Benchmarks.Rtc;

/// <summary>
/// The per-packet calls of the per-stream reliability components, one packet per operation: a 1,200-byte video
/// packet stored for retransmission and a NACKed one served, loss tracking, and the statistics updates.
/// </summary>
[MemoryDiagnoser]
public class ReliabilityBenchmarks
{
    private readonly byte[] _packet = new byte[1200];
    private readonly byte[] _rtx = new byte[1500];
    private readonly ushort[] _nacks = new ushort[64];
    private readonly RetransmissionBuffer _buffer = new();
    private readonly NackGenerator _nack = new();
    private readonly ReceiveStreamStatistics _receive = new(1, 90000);
    private readonly SendStreamStatistics _send = new(2, 90000);
    private readonly BitrateCalculator _bitrate = new();
    private ushort _sequence;
    private long _now;

    [GlobalSetup]
    public void Setup() => _packet[0] = 0x80; // a valid RTP header: version 2, nothing optional

    [GlobalCleanup]
    public void Cleanup() => _buffer.Dispose();

    [Benchmark]
    public bool RetransmissionBufferStore()
    {
        _sequence++;
        return _buffer.Store(_packet, _sequence, ++_now);
    }

    [Benchmark]
    public int RetransmissionBufferStoreAndResend()
    {
        _sequence++;
        _now += 100;
        _buffer.Store(_packet, _sequence, _now);
        return _buffer.TryGet((ushort)(_sequence - 10), _now, out var packet) ? packet.Length : 0;
    }

    [Benchmark]
    public int RetransmissionBufferStoreAndResendAsRtx()
    {
        _sequence++;
        _now += 100;
        _buffer.Store(_packet, _sequence, _now);
        return _buffer.TryGetAsRtx((ushort)(_sequence - 10), _now, _rtx, 2, 97, _sequence, out var written) ? written : 0;
    }

    /// <summary>One packet in ten lost; the NACK list is collected after every packet, as a worker would on a gap.</summary>
    [Benchmark]
    public int NackGeneratorOnPacketAndCollect()
    {
        _sequence++;
        _now += 3;
        if (_sequence % 10 == 0)
        {
            _sequence++;
        }

        _nack.OnPacket(_sequence, false, false, _now);
        return _nack.HasUnsentNacks ? _nack.CollectNacks(_now, 50, _nacks) : 0;
    }

    [Benchmark]
    public uint ReceiveStatisticsOnPacket()
    {
        _sequence++;
        _now += 3;
        _receive.OnPacket(_sequence, (uint)_now * 90, 1200, _now);
        return _receive.Jitter;
    }

    [Benchmark]
    public long SendStatisticsOnPacketSent()
    {
        _now += 3;
        _send.OnPacketSent((uint)_now * 90, 1200, _now);
        return _send.PacketCount;
    }

    [Benchmark]
    public long BitrateUpdateAndRead()
    {
        _now += 3;
        _bitrate.Update(1200, _now);
        return _bitrate.GetBitrate(_now);
    }
}
