using BenchmarkDotNet.Attributes;
using Parley.Media.Rtcp;

namespace Parley.Benchmarks.Rtp;

/// <summary>RTCP work done for every received report and feedback packet.</summary>
[MemoryDiagnoser]
public class RtcpBenchmarks
{
    private readonly byte[] _compound = new byte[256];
    private readonly byte[] _nack = new byte[256];
    private readonly byte[] _transportCc = new byte[1024];
    private int _compoundLength;
    private int _nackLength;
    private int _transportCcLength;

    [GlobalSetup]
    public void Setup()
    {
        var block = new RtcpReportBlock(0xaabbccdd, 12, 40, 0x00010005, 32, 0x12345678, 0x00010000);
        RtcpSenderReport.TryWrite(_compound, 0x01020304, 0xe1f2a3b4c5d6e7f8, 0x11223344, 100, 12345, [block, block with { Ssrc = 7 }], out var srLength);
        RtcpSourceDescription.TryWriteCname(_compound.AsSpan(srLength), 0x01020304, "{9c00eb92-1afb-9d49-a47d-91f64eee69f5}"u8, out var sdesLength);
        _compoundLength = srLength + sdesLength;

        // Four entries, 34 losses: a burst after a short network outage.
        var lost = Enumerable.Range(1000, 30).Concat([1100, 1200, 1300, 1316]).Select(s => (ushort)s).ToArray();
        RtcpGenericNack.TryWrite(_nack, 1, 2, lost, out _nackLength);

        // 100 packets, every tenth lost, 1 ms apart with one large gap.
        var arrivals = Enumerable.Range(0, 100).Where(i => i % 10 != 9)
            .Select(i => new TransportCcArrival((ushort)(60000 + i), 5_000_000 + (i * 1000) + (i == 50 ? 80_000 : 0)))
            .ToArray();
        RtcpTransportFeedback.TryWrite(_transportCc, 1, 2, 0, arrivals, out _transportCcLength);
    }

    [Benchmark]
    public long ParseSenderReportAndSdes()
    {
        long sum = 0;
        var reader = new RtcpCompoundReader(_compound.AsSpan(0, _compoundLength));
        while (reader.MoveNext())
        {
            switch (reader.CurrentHeader.PacketType)
            {
                case RtcpPacketType.SenderReport when RtcpSenderReport.TryParse(reader.CurrentPacket, out var sr):
                    sum += (long)(sr.NtpTimestamp >> 16);
                    foreach (var block in sr.ReportBlocks)
                    {
                        sum += block.Jitter + block.CumulativeLost;
                    }

                    break;
                case RtcpPacketType.SourceDescription when RtcpSourceDescription.TryParse(reader.CurrentPacket, out var sdes):
                    foreach (var chunk in sdes.Chunks)
                    {
                        if (chunk.TryGetItem(SdesItemType.Cname, out var cname))
                        {
                            sum += cname.Length;
                        }
                    }

                    break;
            }
        }

        return sum;
    }

    [Benchmark]
    public int NackExpand()
    {
        if (!RtcpGenericNack.TryParse(_nack.AsSpan(0, _nackLength), out var nack))
        {
            return -1;
        }

        var sum = 0;
        foreach (var sequence in nack.LostSequenceNumbers)
        {
            sum += sequence;
        }

        return sum;
    }

    [Benchmark]
    public long TransportCcParse()
    {
        if (!RtcpTransportFeedback.TryParse(_transportCc.AsSpan(0, _transportCcLength), out var feedback))
        {
            return -1;
        }

        long sum = 0;
        foreach (var status in feedback.Packets)
        {
            sum += status.DeltaMicroseconds;
        }

        return sum;
    }
}
