using Parley.Media.Rtcp;

namespace Parley.Media.Tests.Rtcp;

public class RtcpGoodbyeAndAppTests
{
    [Fact]
    public void Parses_and_writes_the_bye_of_a_real_compound()
    {
        var bye = RtcpVectors.Bytes(RtcpVectors.PionCompound)[84..92];

        Assert.True(RtcpGoodbye.TryParse(bye, out var goodbye));
        Assert.Equal(1, goodbye.SourceCount);
        Assert.Equal(0x902f9e2eu, goodbye.GetSource(0));
        Assert.True(goodbye.Reason.IsEmpty);

        var buffer = new byte[16];
        Assert.True(RtcpGoodbye.TryWrite(buffer, [0x902f9e2e], [], out var written));
        Assert.Equal(bye, buffer[..written]);
    }

    [Fact]
    public void Writes_and_parses_a_bye_with_reason()
    {
        var buffer = new byte[64];

        Assert.True(RtcpGoodbye.TryWrite(buffer, [1, 2], "gone"u8, out var written));

        // Two SSRCs, then length 4 + "gone" + 3 nulls to the boundary.
        Assert.Equal(RtcpVectors.Bytes("82cb0004 00000001 00000002 04676f6e 65000000"), buffer[..written]);
        Assert.True(RtcpGoodbye.TryParse(buffer.AsSpan(0, written), out var goodbye));
        Assert.Equal(2, goodbye.SourceCount);
        Assert.Equal(2u, goodbye.GetSource(1));
        Assert.Equal("gone"u8.ToArray(), goodbye.Reason.ToArray());
    }

    [Theory]
    [InlineData("82cb0001 00000001")] // two SSRCs announced, one present
    [InlineData("81cb0002 00000001 09616263")] // reason longer than the packet
    public void Rejects_malformed_bye(string hex)
    {
        Assert.False(RtcpGoodbye.TryParse(RtcpVectors.Bytes(hex), out _));
    }

    [Fact]
    public void Parses_and_writes_the_app_of_a_real_compound()
    {
        var app = RtcpVectors.Bytes(RtcpVectors.PionCompound)[116..];

        Assert.True(RtcpApplicationDefined.TryParse(app, out var parsed));
        Assert.Equal(0, parsed.Subtype);
        Assert.Equal(0x4baae1abu, parsed.Ssrc);
        Assert.Equal("NAME"u8.ToArray(), parsed.Name.ToArray());
        Assert.Equal("ABCD"u8.ToArray(), parsed.Data.ToArray());

        var buffer = new byte[32];
        Assert.True(RtcpApplicationDefined.TryWrite(buffer, 0, 0x4baae1ab, "NAME"u8, "ABCD"u8, out var written));
        Assert.Equal(app, buffer[..written]);

        Assert.True(RtcpApplicationDefined.TryWrite(buffer, 17, 1, "ABCD"u8, [], out written));
        Assert.Equal(RtcpVectors.Bytes("91cc0002 00000001 41424344"), buffer[..written]);
        Assert.False(RtcpApplicationDefined.TryWrite(buffer, 0, 1, "ABC"u8, [], out _));
        Assert.False(RtcpApplicationDefined.TryWrite(buffer, 0, 1, "ABCD"u8, [1, 2], out _));
        Assert.False(RtcpApplicationDefined.TryParse(RtcpVectors.Bytes("80cc0001 00000001"), out _));
    }
}
