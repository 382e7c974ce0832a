using FsCheck.Xunit;
using Parley.Media.Rtp;

namespace Parley.Media.Tests.Rtp;

public class RtxPropertyTests
{
    [Property(MaxTest = 300)]
    public void Wrap_then_unwrap_gives_back_the_original_without_padding(
        ushort sequence, uint timestamp, uint ssrc, bool marker, byte[] payload, byte padding, uint rtxSsrc, ushort rtxSequence)
    {
        payload ??= [];
        var original = new byte[1600];
        var builder = new RtpPacketBuilder(original, 96, sequence, timestamp, ssrc, marker);
        Assert.True(builder.TryAddCsrc(ssrc ^ 1));
        Assert.True(builder.TryAddExtension(1, [1, 2, 3]));
        Assert.True(builder.TryFinish(payload, padding, out var originalLength));
        Assert.True(RtpPacket.TryParse(original.AsSpan(0, originalLength), out var packet));

        var rtx = new byte[1600];
        Assert.True(RtxPacket.TryWrap(packet, rtx, rtxSsrc, 97, rtxSequence, out var rtxLength));
        Assert.True(RtpPacket.TryParse(rtx.AsSpan(0, rtxLength), out var rtxPacket));
        Assert.Equal(rtxSsrc, rtxPacket.Ssrc);
        Assert.Equal(97, rtxPacket.PayloadType);
        Assert.Equal(rtxSequence, rtxPacket.SequenceNumber);
        Assert.Equal(payload.Length + 2, rtxPacket.Payload.Length);

        var restored = new byte[1600];
        Assert.True(RtxPacket.TryUnwrap(rtxPacket, restored, ssrc, 96, out var restoredLength));

        var withoutPadding = new byte[1600];
        var expectedBuilder = new RtpPacketBuilder(withoutPadding, 96, sequence, timestamp, ssrc, marker);
        Assert.True(expectedBuilder.TryAddCsrc(ssrc ^ 1));
        Assert.True(expectedBuilder.TryAddExtension(1, [1, 2, 3]));
        Assert.True(expectedBuilder.TryFinish(payload, 0, out var expectedLength));
        Assert.Equal(withoutPadding[..expectedLength], restored[..restoredLength]);
    }
}
