using Parley.Media.Rtp;

namespace Parley.Media.Tests.Rtp;

public class RtpPacketBuilderTests
{
    [Fact]
    public void Builds_the_chrome_one_byte_packet_byte_for_byte()
    {
        var buffer = new byte[100];
        var builder = new RtpPacketBuilder(buffer, 45, 6751, 3557360969, 0xf7b16e83);

        Assert.True(builder.TryAddExtension(2, [0xf3, 0x43, 0x50]));
        Assert.True(builder.TryAddExtension(4, [0x00, 0x9b]));
        Assert.True(builder.TryAddExtension(13, [0x81, 0x00, 0x45]));
        Assert.True(builder.TryFinish([], 0, out var written));

        Assert.Equal(ChromeRtpVectors.Bytes(ChromeRtpVectors.OneByteThreeElements), buffer[..written]);
    }

    [Fact]
    public void Builds_the_chrome_seven_element_packet_byte_for_byte()
    {
        var buffer = new byte[100];
        var builder = new RtpPacketBuilder(buffer, 45, 6612, 3557156759, 0xf7b16e83, marker: true);

        Assert.True(builder.TryAddExtension(2, Convert.FromHexString("ea432b")));
        Assert.True(builder.TryAddExtension(4, Convert.FromHexString("0004")));
        Assert.True(builder.TryAddExtension(9, Convert.FromHexString("30")));
        Assert.True(builder.TryAddExtension(3, Convert.FromHexString("00")));
        Assert.True(builder.TryAddExtension(6, Convert.FromHexString("02")));
        Assert.True(builder.TryAddExtension(7, Convert.FromHexString("0100030009000a002300000000")));
        Assert.True(builder.TryAddExtension(13, Convert.FromHexString("400001")));
        Assert.True(builder.TryFinish([], 0, out var written));

        Assert.Equal(ChromeRtpVectors.Bytes(ChromeRtpVectors.OneByteSevenElements), buffer[..written]);
    }

    [Fact]
    public void Builds_the_chrome_two_byte_packet_byte_for_byte()
    {
        var buffer = new byte[200];
        var builder = new RtpPacketBuilder(buffer, 45, 25029, 2500464622, 0x8d3814e5, extensionForm: RtpHeaderExtensionForm.TwoByte);

        Assert.True(builder.TryAddExtension(2, Convert.FromHexString("03f7ae")));
        Assert.True(builder.TryAddExtension(4, Convert.FromHexString("0002")));
        Assert.True(builder.TryAddExtension(9, Convert.FromHexString("30")));
        Assert.True(builder.TryAddExtension(3, Convert.FromHexString("00")));
        Assert.True(builder.TryAddExtension(6, Convert.FromHexString("02")));
        Assert.True(builder.TryAddExtension(7, Convert.FromHexString("01000100070007000a00000000")));
        Assert.True(builder.TryAddExtension(13, Convert.FromHexString("c000018003187aaaf130a0a014d1413823046008642222265009f0077013f00ef0")));
        Assert.True(builder.TryFinish([], 0, out var written));

        Assert.Equal(ChromeRtpVectors.Bytes(ChromeRtpVectors.TwoByteSevenElements), buffer[..written]);
    }

    [Fact]
    public void Builds_csrcs_payload_and_padding()
    {
        var buffer = new byte[64];
        var builder = new RtpPacketBuilder(buffer, 111, 0xfffe, 0x01020304, 0xdeadbeef, marker: true);

        Assert.True(builder.TryAddCsrc(1));
        Assert.True(builder.TryAddCsrc(0xffffffff));
        Assert.True(builder.TryFinish("abc"u8, 3, out var written));

        Assert.Equal(Convert.FromHexString("a2effffe01020304deadbeef00000001ffffffff" + "616263" + "000003"), buffer[..written]);
    }

    [Fact]
    public void Refuses_what_the_form_or_the_buffer_cannot_hold()
    {
        var buffer = new byte[40];

        var oneByte = new RtpPacketBuilder(buffer, 96, 1, 2, 3);
        Assert.False(oneByte.TryAddExtension(15, [1]));
        Assert.False(oneByte.TryFinish([], 0, out _));

        var tooLong = new RtpPacketBuilder(buffer, 96, 1, 2, 3);
        Assert.False(tooLong.TryAddExtension(1, new byte[17]));

        var empty = new RtpPacketBuilder(buffer, 96, 1, 2, 3);
        Assert.False(empty.TryAddExtension(1, []));

        var csrcAfterExtension = new RtpPacketBuilder(buffer, 96, 1, 2, 3);
        Assert.True(csrcAfterExtension.TryAddExtension(1, [1]));
        Assert.False(csrcAfterExtension.TryAddCsrc(7));

        var small = new RtpPacketBuilder(buffer, 96, 1, 2, 3);
        Assert.False(small.TryFinish(new byte[29], 0, out _));

        var badPadding = new RtpPacketBuilder(buffer, 96, 1, 2, 3);
        Assert.False(badPadding.TryFinish([], 256, out _));

        var badPayloadType = new RtpPacketBuilder(buffer, 128, 1, 2, 3);
        Assert.False(badPayloadType.TryFinish([], 0, out _));

        var tiny = new RtpPacketBuilder(new byte[11], 96, 1, 2, 3);
        Assert.False(tiny.TryFinish([], 0, out _));
    }

    [Fact]
    public void A_padding_only_probe_parses_back()
    {
        var buffer = new byte[300];
        var builder = new RtpPacketBuilder(buffer, 127, 100, 200, 300);
        Assert.True(builder.TryAddExtension(5, [0x00, 0x2a]));
        Assert.True(builder.TryFinish([], 255, out var written));

        Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, written), out var packet));
        Assert.Equal(255, packet.PaddingLength);
        Assert.True(packet.Payload.IsEmpty);
        Assert.True(packet.TryGetExtension(5, out var transportSequence));
        Assert.Equal([0x00, 0x2a], transportSequence.ToArray());
    }
}
