using Parley.Media.Codecs;

namespace Parley.Media.Tests.Codecs;

public sealed class KeyFrameDetectorTests
{
    [Theory]
    [InlineData(new byte[] { 0x10, 0x00, 0x9D, 0x01, 0x2A }, true)] // S=1 PID=0, frame tag P=0
    [InlineData(new byte[] { 0x10, 0x01, 0x00, 0x00 }, false)] // P=1: an inter frame
    [InlineData(new byte[] { 0x00, 0x00, 0x9D, 0x01 }, false)] // not the start of a partition
    [InlineData(new byte[] { 0x11, 0x00, 0x9D, 0x01 }, false)] // partition 1
    [InlineData(new byte[] { 0x90, 0x80, 0x81, 0x23, 0x00, 0x9D, 0x01 }, true)] // X, I with a 15-bit picture id
    [InlineData(new byte[] { 0x90, 0xE0, 0x05, 0x07, 0x20, 0x00, 0x9D, 0x01 }, true)] // X, I (7-bit), L, T
    [InlineData(new byte[] { 0x90, 0xE0, 0x05, 0x07, 0x20, 0x01, 0x9D, 0x01 }, false)]
    [InlineData(new byte[] { 0x90, 0x80 }, false)] // truncated
    [InlineData(new byte[] { }, false)]
    public void Vp8(byte[] payload, bool expected) => Assert.Equal(expected, Vp8PayloadDescriptor.IsKeyFrame(payload));

    [Theory]
    [InlineData(new byte[] { 0x08, 0x00 }, true)] // B=1, P=0
    [InlineData(new byte[] { 0x48, 0x00 }, false)] // P=1
    [InlineData(new byte[] { 0x00, 0x00 }, false)] // not the start of a frame
    [InlineData(new byte[] { 0xA8, 0x81, 0x23, 0x00, 0x00, 0x00 }, true)] // I (15-bit), L with SID 0, TL0PICIDX
    [InlineData(new byte[] { 0xA8, 0x81, 0x23, 0x02, 0x00, 0x00 }, false)] // SID 1
    [InlineData(new byte[] { 0xA8, 0x81 }, false)] // truncated
    public void Vp9(byte[] payload, bool expected) => Assert.Equal(expected, Vp9PayloadDescriptor.IsKeyFrame(payload));

    [Theory]
    [InlineData(new byte[] { 0x65, 0x88 }, true)] // IDR
    [InlineData(new byte[] { 0x67, 0x42 }, true)] // SPS
    [InlineData(new byte[] { 0x41, 0x9A }, false)] // non-IDR slice
    [InlineData(new byte[] { 0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xCE }, true)] // STAP-A with SPS
    [InlineData(new byte[] { 0x78, 0x00, 0x02, 0x41, 0x9A }, false)] // STAP-A with a delta slice
    [InlineData(new byte[] { 0x78, 0x00, 0x09, 0x67 }, false)] // STAP-A size past the end
    [InlineData(new byte[] { 0x7C, 0x85, 0x88 }, true)] // FU-A start of an IDR
    [InlineData(new byte[] { 0x7C, 0x05, 0x88 }, false)] // FU-A middle of an IDR
    [InlineData(new byte[] { 0x7C, 0x81, 0x88 }, false)] // FU-A start of a delta slice
    [InlineData(new byte[] { 0x7C }, false)]
    public void H264(byte[] payload, bool expected) => Assert.Equal(expected, H264Payload.IsKeyFrame(payload));

    [Theory]
    [InlineData(new byte[] { 0x18, 0x0A, 0x0B }, true)] // N=1, W=1
    [InlineData(new byte[] { 0x10, 0x0A, 0x0B }, false)] // N=0
    [InlineData(new byte[] { 0x98, 0x0A, 0x0B }, false)] // Z=1: continues an OBU
    [InlineData(new byte[] { 0x08 }, false)]
    public void Av1(byte[] payload, bool expected) => Assert.Equal(expected, Av1AggregationHeader.IsKeyFrame(payload));

    [Theory]
    [InlineData("video/VP8", "Vp8")]
    [InlineData("video/h264", "H264")]
    [InlineData("video/VP9", "Vp9")]
    [InlineData("video/AV1", "Av1")]
    [InlineData("audio/opus", "None")]
    [InlineData("video/rtx", "None")]
    public void Mime_types_name_their_detector(string mimeType, string expected) =>
        Assert.Equal(Enum.Parse<VideoCodec>(expected), KeyFrameDetector.FromMimeType(mimeType));
}
