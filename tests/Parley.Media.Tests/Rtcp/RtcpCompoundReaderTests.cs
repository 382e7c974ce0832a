using Parley.Media.Rtcp;

namespace Parley.Media.Tests.Rtcp;

public class RtcpCompoundReaderTests
{
    [Fact]
    public void Iterates_every_packet_of_a_real_compound()
    {
        var bytes = RtcpVectors.Bytes(RtcpVectors.PionCompound);
        var reader = new RtcpCompoundReader(bytes);
        var seen = new List<(RtcpPacketType Type, int Count, int Length)>();

        while (reader.MoveNext())
        {
            seen.Add((reader.CurrentHeader.PacketType, reader.CurrentHeader.Count, reader.CurrentPacket.Length));
        }

        Assert.False(reader.IsMalformed);
        Assert.Equal(
            [
                (RtcpPacketType.ReceiverReport, 1, 32),
                (RtcpPacketType.SourceDescription, 1, 52),
                (RtcpPacketType.Goodbye, 1, 8),
                (RtcpPacketType.PayloadFeedback, 1, 12),
                (RtcpPacketType.TransportFeedback, 5, 12),
                (RtcpPacketType.ApplicationDefined, 0, 16),
            ],
            seen);
        Assert.True(RtcpCompoundReader.IsValid(bytes));
    }

    [Fact]
    public void Accepts_a_reduced_size_packet_alone()
    {
        var pli = RtcpVectors.Bytes("81ce0002 902f9e2e 902f9e2e");

        var reader = new RtcpCompoundReader(pli);

        Assert.True(reader.MoveNext());
        Assert.Equal(RtcpPacketType.PayloadFeedback, reader.CurrentHeader.PacketType);
        Assert.False(reader.MoveNext());
        Assert.False(reader.IsMalformed);
        Assert.Equal(1, reader.PacketCount);
    }

    [Fact]
    public void Accepts_padding_on_the_last_packet()
    {
        var bytes = RtcpVectors.Bytes("81ce0002 902f9e2e 902f9e2e" + RtcpVectors.ChromeTransportCc);

        Assert.True(RtcpCompoundReader.IsValid(bytes));
    }

    [Theory]
    [InlineData("")] // nothing at all
    [InlineData("81c900")] // shorter than a header
    [InlineData("41c90001 00000000")] // version 1
    [InlineData("81c90007 902f9e2e")] // length says 32 bytes, 8 present
    [InlineData("81c90001 902f9e2e 81cb00")] // trailing partial header
    [InlineData("a1cb0001 902f9e01 81cb0001 902f9e2e")] // padding on a packet that is not the last
    [InlineData("a1cb0001 902f9e00")] // padding count 0
    [InlineData("a1cb0001 902f9e09")] // padding count larger than the body
    public void Flags_malformed_datagrams(string hex)
    {
        Assert.False(RtcpCompoundReader.IsValid(RtcpVectors.Bytes(hex)));
    }

    [Fact]
    public void Packets_before_a_malformed_one_are_still_returned()
    {
        var bytes = RtcpVectors.Bytes("81cb0001 902f9e2e 81c90007 00");
        var reader = new RtcpCompoundReader(bytes);

        Assert.True(reader.MoveNext());
        Assert.Equal(RtcpPacketType.Goodbye, reader.CurrentHeader.PacketType);
        Assert.False(reader.MoveNext());
        Assert.True(reader.IsMalformed);
        Assert.False(reader.MoveNext());
    }

    [Fact]
    public void Header_round_trips()
    {
        var buffer = new byte[4];

        Assert.True(RtcpHeader.TryWrite(buffer, 31, RtcpPacketType.PayloadFeedback, 32, padding: true));
        Assert.Equal(RtcpVectors.Bytes("bfce0007"), buffer);
        Assert.True(RtcpHeader.TryParse(buffer, out var header));
        Assert.Equal(new RtcpHeader(true, 31, RtcpPacketType.PayloadFeedback, 7), header);
        Assert.Equal(32, header.PacketLength);

        Assert.False(RtcpHeader.TryWrite(buffer, 32, RtcpPacketType.PayloadFeedback, 32));
        Assert.False(RtcpHeader.TryWrite(buffer, 1, RtcpPacketType.PayloadFeedback, 30));
        Assert.False(RtcpHeader.TryWrite(buffer, 1, RtcpPacketType.PayloadFeedback, 0));
    }
}
