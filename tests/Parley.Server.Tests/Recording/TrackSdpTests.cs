using Parley.Server.Recording;

namespace Parley.Server.Tests.Recording;

public sealed class TrackSdpTests
{
    [Fact]
    public void A_vp8_track_is_described_byte_for_byte()
    {
        var sdp = TrackSdp.Build(new TrackSdpInput(true, 40000, 101, "VP8", 90000, null, []));

        Assert.Equal(
            "v=0\r\n" +
            "o=- 0 0 IN IP4 127.0.0.1\r\n" +
            "s=Parley recording\r\n" +
            "c=IN IP4 127.0.0.1\r\n" +
            "t=0 0\r\n" +
            "m=video 40000 RTP/AVP 101\r\n" +
            "a=rtcp:40001\r\n" +
            "a=rtpmap:101 VP8/90000\r\n" +
            "a=recvonly\r\n",
            sdp);
    }

    [Fact]
    public void An_opus_track_has_its_channels_and_format_parameters()
    {
        var sdp = TrackSdp.Build(new TrackSdpInput(false, 50002, 100, "opus", 48000, 2,
            [KeyValuePair.Create("minptime", "10"), KeyValuePair.Create("useinbandfec", "1")]));

        Assert.Equal(
            "v=0\r\n" +
            "o=- 0 0 IN IP4 127.0.0.1\r\n" +
            "s=Parley recording\r\n" +
            "c=IN IP4 127.0.0.1\r\n" +
            "t=0 0\r\n" +
            "m=audio 50002 RTP/AVP 100\r\n" +
            "a=rtcp:50003\r\n" +
            "a=rtpmap:100 opus/48000/2\r\n" +
            "a=fmtp:100 minptime=10;useinbandfec=1\r\n" +
            "a=recvonly\r\n",
            sdp);
    }

    [Fact]
    public void An_h264_track_keeps_its_profile()
    {
        var sdp = TrackSdp.Build(new TrackSdpInput(true, 40010, 107, "H264", 90000, null,
            [KeyValuePair.Create("packetization-mode", "1"), KeyValuePair.Create("profile-level-id", "42e01f")]));

        Assert.Contains("m=video 40010 RTP/AVP 107\r\na=rtcp:40011\r\na=rtpmap:107 H264/90000\r\na=fmtp:107 packetization-mode=1;profile-level-id=42e01f\r\n", sdp);
    }

    [Theory]
    [InlineData("VP8", ".webm")]
    [InlineData("VP9", ".webm")]
    [InlineData("opus", ".webm")]
    [InlineData("H264", ".mkv")]
    public void Each_codec_is_copied_into_a_container_that_holds_it(string codec, string extension) =>
        Assert.Equal(extension, TrackSdp.FileExtension(codec));
}
