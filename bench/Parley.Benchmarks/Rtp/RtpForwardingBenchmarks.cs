using BenchmarkDotNet.Attributes;
using Parley.Media.Rtp;

namespace Parley.Benchmarks.Rtp;

/// <summary>
/// The per-packet work of forwarding one RTP packet to a consumer: parse a Chrome-shaped video packet with seven
/// one-byte header extensions and a 1,200-byte payload, rewrite SSRC, payload type, sequence number and timestamp,
/// and stamp a new transport-wide sequence number into its extension.
/// </summary>
[MemoryDiagnoser]
public class RtpForwardingBenchmarks
{
    private const byte TransportSequenceId = 4;

    private readonly byte[] _packet = new byte[1250];
    private int _length;
    private ushort _sequence;

    [GlobalSetup]
    public void Setup()
    {
        var builder = new RtpPacketBuilder(_packet, 45, 6612, 3557156759, 0xf7b16e83, marker: true);
        builder.TryAddExtension(2, [0xea, 0x43, 0x2b]);
        builder.TryAddExtension(TransportSequenceId, [0x00, 0x04]);
        builder.TryAddExtension(9, [0x30]);
        builder.TryAddExtension(3, [0x00]);
        builder.TryAddExtension(6, [0x02]);
        builder.TryAddExtension(7, Convert.FromHexString("0100030009000a002300000000"));
        builder.TryAddExtension(13, [0x40, 0x00, 0x01]);
        if (!builder.TryFinish(new byte[1200], 0, out _length))
        {
            throw new InvalidOperationException("Benchmark packet does not fit.");
        }
    }

    [Benchmark]
    public int ParseAndRewrite()
    {
        if (!RtpPacket.TryParse(_packet.AsSpan(0, _length), out var packet))
        {
            return -1;
        }

        _sequence++;
        packet.Ssrc = 0x11223344;
        packet.PayloadType = 96;
        packet.SequenceNumber = _sequence;
        packet.Timestamp += 3000;
        Span<byte> transportSequence = stackalloc byte[2];
        transportSequence[0] = (byte)(_sequence >> 8);
        transportSequence[1] = (byte)_sequence;
        return packet.TrySetExtension(TransportSequenceId, transportSequence) ? packet.Payload.Length : -2;
    }

    [Benchmark]
    public int ParseOnly()
    {
        return RtpPacket.TryParse(_packet.AsSpan(0, _length), out var packet) ? packet.Payload.Length : -1;
    }
}
