using Parley.Media.Rtcp;

namespace Parley.Media.Tests.Rtcp;

public class RtcpReportTests
{
    // Hand-assembled from the RFC 3550 §6.4.1 layout: SSRC 0x01020304, NTP 0xe1f2a3b4c5d6e7f8, RTP ts 0x11223344,
    // 100 packets, 12345 octets, one block for 0xaabbccdd: fraction 0x40, cumulative -3 (duplicates), extended
    // highest 0x00010005 (one wrap), jitter 32, LSR 0x12345678, DLSR 1 s.
    private const string SenderReport =
        "81c8000c 01020304 e1f2a3b4c5d6e7f8 11223344 00000064 00003039" +
        "aabbccdd 40fffffd 00010005 00000020 12345678 00010000";

    private static readonly RtcpReportBlock Block = new(0xaabbccdd, 0x40, -3, 0x00010005, 32, 0x12345678, 0x00010000);

    [Fact]
    public void Parses_a_sender_report()
    {
        Assert.True(RtcpSenderReport.TryParse(RtcpVectors.Bytes(SenderReport), out var report));

        Assert.Equal(0x01020304u, report.Ssrc);
        Assert.Equal(0xe1f2a3b4c5d6e7f8ul, report.NtpTimestamp);
        Assert.Equal(0x11223344u, report.RtpTimestamp);
        Assert.Equal(100u, report.PacketCount);
        Assert.Equal(12345u, report.OctetCount);
        Assert.Equal(1, report.ReportCount);
        Assert.True(report.ProfileExtension.IsEmpty);
        var blocks = new List<RtcpReportBlock>();
        foreach (var block in report.ReportBlocks)
        {
            blocks.Add(block);
        }

        Assert.Equal([Block], blocks);
    }

    [Fact]
    public void Writes_a_sender_report_byte_for_byte()
    {
        var buffer = new byte[100];

        Assert.True(RtcpSenderReport.TryWrite(buffer, 0x01020304, 0xe1f2a3b4c5d6e7f8, 0x11223344, 100, 12345, [Block], out var written));

        Assert.Equal(RtcpVectors.Bytes(SenderReport), buffer[..written]);
    }

    [Fact]
    public void Parses_and_rewrites_the_receiver_report_of_a_real_compound()
    {
        var compound = RtcpVectors.Bytes(RtcpVectors.PionCompound);
        var rr = compound[..32];

        Assert.True(RtcpReceiverReport.TryParse(rr, out var report));
        Assert.Equal(0x902f9e2eu, report.Ssrc);
        var blocks = new List<RtcpReportBlock>();
        foreach (var block in report.ReportBlocks)
        {
            blocks.Add(block);
        }

        var expected = new RtcpReportBlock(0xbc5e9a40, 0, 0, 0x46e1, 273, 0x09f36432, 150137);
        Assert.Equal([expected], blocks);

        var buffer = new byte[64];
        Assert.True(RtcpReceiverReport.TryWrite(buffer, 0x902f9e2e, [expected], out var written));
        Assert.Equal(rr, buffer[..written]);
    }

    [Fact]
    public void Keeps_a_profile_extension_after_the_blocks()
    {
        var buffer = new byte[64];
        Assert.True(RtcpReceiverReport.TryWrite(buffer, 7, [], out var written, [1, 2, 3, 4]));
        Assert.Equal(RtcpVectors.Bytes("80c90002 00000007 01020304"), buffer[..written]);

        Assert.True(RtcpReceiverReport.TryParse(buffer.AsSpan(0, written), out var report));
        Assert.Equal(0, report.ReportCount);
        Assert.Equal([1, 2, 3, 4], report.ProfileExtension.ToArray());
    }

    [Theory]
    [InlineData("81c80006 01020304 e1f2a3b4c5d6e7f8 11223344 00000064 00003039")] // SR says 1 block, has none
    [InlineData("80c80001 01020304")] // SR without sender info
    [InlineData("81c90001 01020304")] // RR says 1 block, has none
    [InlineData("80c90000")] // RR without SSRC
    public void Rejects_reports_whose_count_does_not_fit(string hex)
    {
        var bytes = RtcpVectors.Bytes(hex);

        Assert.False(RtcpSenderReport.TryParse(bytes, out _));
        Assert.False(RtcpReceiverReport.TryParse(bytes, out _));
    }

    [Fact]
    public void Refuses_to_write_what_the_format_cannot_hold()
    {
        var buffer = new byte[2000];
        var tooMany = Enumerable.Repeat(Block, 32).ToArray();

        Assert.False(RtcpReceiverReport.TryWrite(buffer, 1, tooMany, out _));
        Assert.False(RtcpReceiverReport.TryWrite(buffer, 1, [Block with { CumulativeLost = 1 << 23 }], out _));
        Assert.False(RtcpReceiverReport.TryWrite(buffer, 1, [], out _, [1, 2, 3]));
        Assert.False(RtcpSenderReport.TryWrite(new byte[51], 1, 2, 3, 4, 5, [Block], out _));
    }
}
