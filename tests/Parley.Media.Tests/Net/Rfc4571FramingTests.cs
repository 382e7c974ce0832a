using FsCheck.Xunit;
using Parley.Media.Net;

namespace Parley.Media.Tests.Net;

public class Rfc4571FramingTests
{
    [Fact]
    public void Frame_is_a_big_endian_length_then_the_payload()
    {
        var buffer = new byte[16];
        Assert.True(Rfc4571Framing.TryWriteFrame([0xAA, 0xBB, 0xCC], buffer, out var written));
        Assert.Equal(5, written);
        Assert.Equal(new byte[] { 0x00, 0x03, 0xAA, 0xBB, 0xCC }, buffer[..5]);
    }

    [Fact]
    public void Reads_frames_one_after_another_and_waits_for_partial_ones()
    {
        byte[] stream = [0x00, 0x02, 1, 2, 0x00, 0x00, 0x00, 0x03, 7, 8];
        Assert.True(Rfc4571Framing.TryReadFrame(stream, out var first, out var consumed));
        Assert.Equal(new byte[] { 1, 2 }, first.ToArray());
        Assert.Equal(4, consumed);
        Assert.True(Rfc4571Framing.TryReadFrame(stream.AsSpan(4), out var empty, out consumed));
        Assert.Equal(0, empty.Length);
        Assert.Equal(2, consumed);
        Assert.False(Rfc4571Framing.TryReadFrame(stream.AsSpan(6), out _, out _));
        Assert.False(Rfc4571Framing.TryReadFrame(stream.AsSpan(9), out _, out _));
    }

    [Fact]
    public void Refuses_payloads_that_do_not_fit()
    {
        Assert.False(Rfc4571Framing.TryWriteFrame(new byte[10], new byte[11], out _));
        Assert.False(Rfc4571Framing.TryWriteFrame(new byte[65536], new byte[70000], out _));
    }

    [Property(MaxTest = 300)]
    public void Write_then_read_gives_back_the_payload(byte[] payload)
    {
        var buffer = new byte[payload.Length + 2];
        Assert.True(Rfc4571Framing.TryWriteFrame(payload, buffer, out var written));
        Assert.True(Rfc4571Framing.TryReadFrame(buffer.AsSpan(0, written), out var frame, out var consumed));
        Assert.Equal(written, consumed);
        Assert.Equal(payload, frame.ToArray());
    }

    [Property(MaxTest = 300)]
    public void Random_bytes_never_throw(byte[] data) => _ = Rfc4571Framing.TryReadFrame(data, out _, out _);
}
