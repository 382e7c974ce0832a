using FsCheck.Xunit;
using Parley.Media.Net;
using Parley.Media.Tests.Stun;

namespace Parley.Media.Tests.Net;

public class PacketDemuxTests
{
    [Fact]
    public void Stun_vector_is_stun() => Assert.Equal(PacketKind.Stun, PacketDemux.Classify(Rfc5769Vectors.SampleRequest));

    [Theory]
    [InlineData(0, PacketKind.Stun)]
    [InlineData(3, PacketKind.Stun)]
    [InlineData(4, PacketKind.Unknown)]
    [InlineData(16, PacketKind.Unknown)] // ZRTP
    [InlineData(19, PacketKind.Unknown)]
    [InlineData(20, PacketKind.Dtls)] // change_cipher_spec
    [InlineData(22, PacketKind.Dtls)] // handshake
    [InlineData(23, PacketKind.Dtls)] // application_data
    [InlineData(63, PacketKind.Dtls)]
    [InlineData(64, PacketKind.Unknown)] // TURN channel
    [InlineData(79, PacketKind.Unknown)]
    [InlineData(127, PacketKind.Unknown)]
    [InlineData(128, PacketKind.Rtp)]
    [InlineData(191, PacketKind.Rtp)]
    [InlineData(192, PacketKind.Unknown)]
    [InlineData(255, PacketKind.Unknown)]
    public void First_byte_ranges_follow_RFC_7983(int first, object expectedCase)
    {
        var expected = (PacketKind)expectedCase;
        var packet = new byte[64];
        packet[0] = (byte)first;
        packet[1] = 96;
        Assert.Equal(expected, PacketDemux.Classify(packet));
    }

    [Theory]
    [InlineData(96, PacketKind.Rtp)]
    [InlineData(96 | 0x80, PacketKind.Rtp)] // marker set
    [InlineData(191, PacketKind.Rtp)]
    [InlineData(192, PacketKind.Rtcp)] // FIR
    [InlineData(200, PacketKind.Rtcp)] // SR
    [InlineData(201, PacketKind.Rtcp)] // RR
    [InlineData(205, PacketKind.Rtcp)] // RTPFB
    [InlineData(206, PacketKind.Rtcp)] // PSFB
    [InlineData(223, PacketKind.Rtcp)]
    public void Rtp_and_rtcp_are_told_apart_by_the_second_byte(int second, object expectedCase)
    {
        var expected = (PacketKind)expectedCase;
        var packet = new byte[32];
        packet[0] = 0x80;
        packet[1] = (byte)second;
        Assert.Equal(expected, PacketDemux.Classify(packet));
    }

    [Theory]
    [InlineData(0x00, 19)]
    [InlineData(22, 12)]
    [InlineData(0x80, 11)]
    [InlineData(0x80, 1)]
    public void Packets_shorter_than_their_header_are_unknown(byte first, int length)
    {
        var packet = new byte[length];
        packet[0] = first;
        if (length > 1)
        {
            packet[1] = 96;
        }

        Assert.Equal(PacketKind.Unknown, PacketDemux.Classify(packet));
    }

    [Fact]
    public void Short_rtcp_is_unknown_but_four_bytes_is_rtcp()
    {
        Assert.Equal(PacketKind.Unknown, PacketDemux.Classify([0x80, 200, 0]));
        Assert.Equal(PacketKind.Rtcp, PacketDemux.Classify([0x80, 200, 0, 1]));
        Assert.Equal(PacketKind.Unknown, PacketDemux.Classify([]));
    }

    [Property(MaxTest = 500)]
    public void Never_throws(byte[] data) => _ = PacketDemux.Classify(data);
}
