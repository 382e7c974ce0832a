using Parley.Media.Rtc;
using Parley.Media.Rtcp;

namespace Parley.Media.Tests.Rtc;

public class RtcpComposerTests
{
    private const uint LocalSsrc = 0x01020304;
    private const uint RemoteSsrc = 0xAABBCCDD;

    [Fact]
    public void Composes_a_worker_interval_byte_for_byte()
    {
        var send = new SendStreamStatistics(LocalSsrc, 90000);
        send.OnPacketSent(90000, 1000, 0);
        var receive = LossyStream();

        var buffer = new byte[1500];
        var composer = new RtcpComposer(buffer);
        Assert.True(composer.TryAddSenderReport(send, 0, 0xE1F2A3B4C5D6E7F8));
        Assert.True(composer.TryAddCname(LocalSsrc, "ab"u8));
        Assert.True(composer.TryAddReceiverReports(1, [receive], 0));
        Assert.True(composer.TryAddGenericNack(1, RemoteSsrc, [13, 15]));
        Assert.True(composer.TryAddPictureLossIndication(1, RemoteSsrc));
        Assert.True(composer.TryAddFullIntraRequest(1, RemoteSsrc, 7));
        Assert.True(composer.TryAddGoodbye([LocalSsrc]));

        var expected = Convert.FromHexString(
            "80C80006" + "01020304" + "E1F2A3B4C5D6E7F8" + "00015F90" + "00000001" + "000003E8"
            + "81CA0003" + "01020304" + "01026162" + "00000000"
            + "81C90007" + "00000001" + "AABBCCDD" + "40000001" + "0000000E" + "00000000" + "00000000" + "00000000"
            + "81CD0003" + "00000001" + "AABBCCDD" + "000D0002"
            + "81CE0002" + "00000001" + "AABBCCDD"
            + "84CE0004" + "00000001" + "00000000" + "AABBCCDD" + "07000000"
            + "81CB0001" + "01020304");
        Assert.Equal(expected, composer.Written.ToArray());
        Assert.Equal(7, composer.PacketCount);

        var types = new List<RtcpPacketType>();
        var reader = new RtcpCompoundReader(composer.Written);
        while (reader.MoveNext())
        {
            types.Add(reader.CurrentHeader.PacketType);
        }

        Assert.Equal(
            [RtcpPacketType.SenderReport, RtcpPacketType.SourceDescription, RtcpPacketType.ReceiverReport, RtcpPacketType.TransportFeedback,
             RtcpPacketType.PayloadFeedback, RtcpPacketType.PayloadFeedback, RtcpPacketType.Goodbye],
            types);
    }

    [Fact]
    public void A_packet_that_does_not_fit_is_not_added_at_all()
    {
        var send = new SendStreamStatistics(LocalSsrc, 90000);
        send.OnPacketSent(0, 100, 0);
        var buffer = new byte[40];
        var composer = new RtcpComposer(buffer);

        Assert.True(composer.TryAddSenderReport(send, 0, 1));
        Assert.False(composer.TryAddCname(LocalSsrc, "abcdefgh"u8));
        Assert.False(composer.TryAddGenericNack(1, 2, [1, 100, 200]));
        Assert.Equal(28, composer.Length);
        Assert.Equal(1, composer.PacketCount);

        composer.Reset();
        Assert.Equal(0, composer.Length);
        Assert.True(composer.TryAddCname(LocalSsrc, "abcdefgh"u8));
    }

    [Fact]
    public void A_sender_report_needs_a_packet_sent_first()
    {
        var composer = new RtcpComposer(new byte[100]);
        Assert.False(composer.TryAddSenderReport(new SendStreamStatistics(1, 90000), 0, 1));
        Assert.Equal(0, composer.Length);
    }

    [Fact]
    public void Many_streams_are_reported_31_blocks_to_an_rr()
    {
        var streams = Enumerable.Range(0, 40).Select(i => new ReceiveStreamStatistics((uint)i, 90000)).ToArray();
        var composer = new RtcpComposer(new byte[1500]);

        Assert.True(composer.TryAddReceiverReports(9, streams, 0));

        Assert.Equal(8 + (31 * 24) + 8 + (9 * 24), composer.Length);
        var reader = new RtcpCompoundReader(composer.Written);
        var ssrcs = new List<uint>();
        while (reader.MoveNext())
        {
            Assert.True(RtcpReceiverReport.TryParse(reader.CurrentPacket, out var rr));
            Assert.Equal(9u, rr.Ssrc);
            foreach (var block in rr.ReportBlocks)
            {
                ssrcs.Add(block.Ssrc);
            }
        }

        Assert.Equal(Enumerable.Range(0, 40).Select(i => (uint)i), ssrcs);
    }

    [Fact]
    public void A_receiver_report_that_does_not_fit_leaves_the_report_interval_open()
    {
        var stream = LossyStream();
        var composer = new RtcpComposer(new byte[20]);
        Assert.False(composer.TryAddReceiverReports(1, [stream], 0));

        var roomy = new RtcpComposer(new byte[100]);
        Assert.True(roomy.TryAddReceiverReports(1, [stream], 0));
        Assert.Equal(64, roomy.Written[12]); // fraction lost of the whole interval
    }

    [Fact]
    public void An_rr_without_streams_is_an_empty_report()
    {
        var composer = new RtcpComposer(new byte[100]);
        Assert.True(composer.TryAddReceiverReports(5, [], 0));
        Assert.Equal(Convert.FromHexString("80C90001" + "00000005"), composer.Written.ToArray());
    }

    [Fact]
    public void Several_cnames_share_one_sdes_packet()
    {
        var composer = new RtcpComposer(new byte[100]);
        Assert.True(composer.TryAddCnames([1, 2], "x"u8));
        Assert.Equal(Convert.FromHexString("82CA0004" + "00000001" + "01017800" + "00000002" + "01017800"), composer.Written.ToArray());
        Assert.False(composer.TryAddCnames([], "x"u8));
    }

    private static ReceiveStreamStatistics LossyStream()
    {
        var receive = new ReceiveStreamStatistics(RemoteSsrc, 90000);
        foreach (var sequence in new ushort[] { 10, 11, 12, 14 })
        {
            receive.OnPacket(sequence, 0, 100, 0);
        }

        return receive;
    }
}
