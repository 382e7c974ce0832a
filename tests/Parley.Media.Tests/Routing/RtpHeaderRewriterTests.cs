using Parley.Media.Routing;
using Parley.Media.Rtp;

namespace Parley.Media.Tests.Routing;

public sealed class RtpHeaderRewriterTests
{
    [Fact]
    public void Mapped_extensions_are_renumbered_and_the_rest_dropped()
    {
        var source = TestRtp.Build(100, 1, 2, 3, [9, 8, 7], (1, [0xAA]), (3, [0xB1, 0xB2, 0xB3]), (5, [0xCC, 0xCD]));
        var map = new byte[256];
        map[3] = 7;
        map[5] = 2;

        var destination = new byte[1500];
        Assert.True(RtpPacket.TryParse(source, out var packet));
        var length = RtpHeaderRewriter.Write(packet, map, destination);

        Assert.True(RtpPacket.TryParse(destination.AsSpan(0, length), out var rewritten));
        Assert.False(rewritten.TryGetExtension(1, out _));
        Assert.True(rewritten.TryGetExtension(7, out var seven));
        Assert.Equal([0xB1, 0xB2, 0xB3], seven.ToArray());
        Assert.True(rewritten.TryGetExtension(2, out var two));
        Assert.Equal([0xCC, 0xCD], two.ToArray());
        Assert.Equal([9, 8, 7], rewritten.Payload.ToArray());
        Assert.Equal(0, rewritten.ExtensionData.Length % 4);
        Assert.Equal(packet.SequenceNumber, rewritten.SequenceNumber);
    }

    [Fact]
    public void Without_a_surviving_element_the_extension_block_goes()
    {
        var source = TestRtp.Build(100, 1, 2, 3, [1, 2, 3, 4, 5], (1, [0xAA]));
        Assert.True(RtpPacket.TryParse(source, out var packet));
        var destination = new byte[1500];

        var length = RtpHeaderRewriter.Write(packet, new byte[256], destination);

        Assert.Equal(12 + 5, length);
        Assert.True(RtpPacket.TryParse(destination.AsSpan(0, length), out var rewritten));
        Assert.False(rewritten.HasExtension);
        Assert.Equal([1, 2, 3, 4, 5], rewritten.Payload.ToArray());
    }

    [Fact]
    public void Two_byte_elements_keep_their_form_and_a_too_small_destination_fails()
    {
        var buffer = new byte[1500];
        var builder = new RtpPacketBuilder(buffer, 96, 1, 2, 3, extensionForm: RtpHeaderExtensionForm.TwoByte);
        Assert.True(builder.TryAddExtension(20, [1, 2, 3]));
        Assert.True(builder.TryFinish([42], 0, out var written));
        Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, written), out var packet));
        var map = new byte[256];
        map[20] = 30;

        var destination = new byte[1500];
        var length = RtpHeaderRewriter.Write(packet, map, destination);
        Assert.True(RtpPacket.TryParse(destination.AsSpan(0, length), out var rewritten));
        Assert.Equal(RtpHeaderExtensionForm.TwoByte, rewritten.ExtensionForm);
        Assert.True(rewritten.TryGetExtension(30, out var value));
        Assert.Equal([1, 2, 3], value.ToArray());

        Assert.Equal(0, RtpHeaderRewriter.Write(packet, map, new byte[10]));
    }
}
