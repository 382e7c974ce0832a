using Parley.Media.Rtp;

namespace Parley.Media.Tests.Rtp;

public class RtxPacketTests
{
    // Original: CC=1, one-byte extension, marker, PT 96, seq 0x1234, payload "media", 2 padding bytes.
    private const string Original = "b1e01234000003e8aabbccdd00000007bede0001" + "21010200" + "6d65646961" + "0002";

    // RTX: same header and extension, PT 97, seq 0x0001, SSRC 0x11111111, payload OSN 0x1234 + "media", no padding.
    private const string Rtx = "91e10001000003e81111111100000007bede0001" + "21010200" + "1234" + "6d65646961";

    [Fact]
    public void Wraps_into_the_rfc4588_format_byte_for_byte()
    {
        var original = Convert.FromHexString(Original);
        Assert.True(RtpPacket.TryParse(original, out var packet));
        var destination = new byte[100];

        Assert.True(RtxPacket.TryWrap(packet, destination, 0x11111111, 97, 1, out var written));

        Assert.Equal(Convert.FromHexString(Rtx), destination[..written]);
    }

    [Fact]
    public void Unwraps_back_to_the_original_without_padding()
    {
        var rtx = Convert.FromHexString(Rtx);
        Assert.True(RtpPacket.TryParse(rtx, out var packet));
        var destination = new byte[100];

        Assert.True(RtxPacket.TryUnwrap(packet, destination, 0xaabbccdd, 96, out var written));

        Assert.True(RtpPacket.TryParse(destination.AsSpan(0, written), out var restored));
        Assert.Equal(0x1234, restored.SequenceNumber);
        Assert.Equal(0xaabbccddu, restored.Ssrc);
        Assert.Equal(96, restored.PayloadType);
        Assert.Equal(1000u, restored.Timestamp);
        Assert.True(restored.Marker);
        Assert.Equal(7u, restored.GetCsrc(0));
        Assert.True(restored.TryGetExtension(2, out var value));
        Assert.Equal([1, 2], value.ToArray());
        Assert.Equal("media"u8.ToArray(), restored.Payload.ToArray());
        Assert.False(restored.HasPadding);
    }

    [Fact]
    public void Refuses_short_rtx_payloads_small_buffers_and_overlap()
    {
        var noOsn = Convert.FromHexString("806100010000000011111111" + "12");
        Assert.True(RtpPacket.TryParse(noOsn, out var shortRtx));
        Assert.False(RtxPacket.TryUnwrap(shortRtx, new byte[100], 1, 96, out _));

        var original = Convert.FromHexString(Original);
        Assert.True(RtpPacket.TryParse(original, out var packet));
        Assert.False(RtxPacket.TryWrap(packet, new byte[30], 1, 97, 1, out _));
        Assert.False(RtxPacket.TryWrap(packet, original, 1, 97, 1, out _));
        Assert.False(RtxPacket.TryWrap(packet, new byte[100], 1, 200, 1, out _));
    }
}
