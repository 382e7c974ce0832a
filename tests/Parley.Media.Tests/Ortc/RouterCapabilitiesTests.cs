using Parley.Media.Ortc;

namespace Parley.Media.Tests.Ortc;

public sealed class RouterCapabilitiesTests
{
    [Fact]
    public void Default_codecs_get_dynamic_payload_types_from_100_with_an_rtx_codec_after_each_video_codec()
    {
        var caps = OrtcTestData.RouterCapabilities();

        var summary = caps.Codecs.Select(c => $"{c.MimeType} {c.PreferredPayloadType} {Describe(c.Parameters)}").ToArray();
        Assert.Equal(
            [
                "audio/opus 100 ",
                "video/VP8 101 ",
                "video/rtx 102 apt=101",
                "video/VP9 103 profile-id=0",
                "video/rtx 104 apt=103",
                "video/VP9 105 profile-id=2",
                "video/rtx 106 apt=105",
                "video/H264 107 level-asymmetry-allowed=1,packetization-mode=1,profile-level-id=42e01f",
                "video/rtx 108 apt=107",
                "video/H264 109 level-asymmetry-allowed=1,packetization-mode=1,profile-level-id=4d001f",
                "video/rtx 110 apt=109",
                "video/AV1 111 ",
                "video/rtx 112 apt=111",
                "audio/red 113 ",
            ],
            summary);
    }

    [Fact]
    public void Codecs_carry_kind_clock_rate_channels_and_feedback()
    {
        var caps = OrtcTestData.RouterCapabilities();

        var opus = caps.Codecs[0];
        Assert.Equal(MediaKind.Audio, opus.Kind);
        Assert.Equal(48000, opus.ClockRate);
        Assert.Equal(2, opus.Channels);
        Assert.Equal(["nack", "transport-cc"], opus.RtcpFeedback.Select(fb => fb.ToString()));

        var red = caps.Codecs[^1];
        Assert.Equal(("audio/red", MediaKind.Audio, 48000, 2), (red.MimeType, red.Kind, red.ClockRate, red.Channels));

        foreach (var video in caps.Codecs.Skip(1).SkipLast(1))
        {
            Assert.Equal(MediaKind.Video, video.Kind);
            Assert.Equal(90000, video.ClockRate);
            Assert.Null(video.Channels);
        }

        var vp8 = caps.Codecs[1];
        Assert.Equal(["nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"], vp8.RtcpFeedback.Select(fb => fb.ToString()));
        Assert.Empty(caps.Codecs[2].RtcpFeedback);
        Assert.True(caps.Codecs[2].Parameters["apt"].IsNumber);
    }

    [Fact]
    public void Header_extensions_have_mediasoup_ids_and_directions()
    {
        var caps = OrtcTestData.RouterCapabilities();

        var summary = caps.HeaderExtensions.Select(e => $"{e.Kind} {e.PreferredId} {e.Uri} {e.Direction}").ToArray();
        Assert.Equal(
            [
                $"Audio 1 {RtpHeaderExtensionUris.Mid} SendRecv",
                $"Video 1 {RtpHeaderExtensionUris.Mid} SendRecv",
                $"Video 2 {RtpHeaderExtensionUris.RtpStreamId} RecvOnly",
                $"Video 3 {RtpHeaderExtensionUris.RepairedRtpStreamId} RecvOnly",
                $"Audio 4 {RtpHeaderExtensionUris.AbsSendTime} SendRecv",
                $"Video 4 {RtpHeaderExtensionUris.AbsSendTime} SendRecv",
                $"Audio 5 {RtpHeaderExtensionUris.TransportWideCcDraft01} RecvOnly",
                $"Video 5 {RtpHeaderExtensionUris.TransportWideCcDraft01} SendRecv",
                $"Video 8 {RtpHeaderExtensionUris.DependencyDescriptor} SendRecv",
                $"Audio 10 {RtpHeaderExtensionUris.AudioLevel} SendRecv",
                $"Video 11 {RtpHeaderExtensionUris.VideoOrientation} SendRecv",
                $"Video 12 {RtpHeaderExtensionUris.TimeOffset} SendRecv",
                $"Audio 13 {RtpHeaderExtensionUris.AbsCaptureTime} SendRecv",
                $"Video 13 {RtpHeaderExtensionUris.AbsCaptureTime} SendRecv",
                $"Audio 14 {RtpHeaderExtensionUris.PlayoutDelay} SendRecv",
                $"Video 14 {RtpHeaderExtensionUris.PlayoutDelay} SendRecv",
            ],
            summary);
        Assert.All(caps.HeaderExtensions, e => Assert.False(e.PreferredEncrypt));
    }

    [Fact]
    public void Generated_capabilities_pass_their_own_validation()
    {
        var caps = OrtcTestData.RouterCapabilities();

        OrtcRules.ValidateRtpCapabilities(caps);
    }

    [Fact]
    public void A_preferred_payload_type_is_kept_and_taken_out_of_the_dynamic_pool()
    {
        var caps = OrtcRules.GenerateRouterRtpCapabilities(
        [
            new RtpCodecCapability { Kind = MediaKind.Video, MimeType = "video/VP8", ClockRate = 90000 },
            new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2, PreferredPayloadType = 111 },
            new RtpCodecCapability { Kind = MediaKind.Video, MimeType = "video/H264", ClockRate = 90000, PreferredPayloadType = 102 },
        ]);

        Assert.Equal([100, 101, 111, 102, 103], caps.Codecs.Select(c => c.PreferredPayloadType!.Value));
        Assert.Equal(102, caps.Codecs[4].Parameters["apt"].TryGetInt32(out var apt) ? apt : -1);
    }

    [Fact]
    public void Media_codec_parameters_override_the_supported_ones()
    {
        var caps = OrtcRules.GenerateRouterRtpCapabilities(
        [
            new RtpCodecCapability
            {
                Kind = MediaKind.Video,
                MimeType = "video/h264",
                ClockRate = 90000,
                Parameters = { ["level-asymmetry-allowed"] = 0, ["x-google-start-bitrate"] = 1000 },
            },
        ]);

        Assert.Equal("video/H264", caps.Codecs[0].MimeType);
        Assert.True(caps.Codecs[0].Parameters["level-asymmetry-allowed"] == 0);
        Assert.True(caps.Codecs[0].Parameters["x-google-start-bitrate"] == 1000);
    }

    [Fact]
    public void The_input_media_codecs_are_not_modified()
    {
        var codec = new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2 };

        OrtcRules.GenerateRouterRtpCapabilities([codec]);

        Assert.Null(codec.PreferredPayloadType);
        Assert.Empty(codec.RtcpFeedback);
    }

    [Theory]
    [InlineData("audio/PCMU", 8000, 1)]
    [InlineData("audio/opus", 48000, 1)]
    [InlineData("audio/opus", 16000, 2)]
    [InlineData("video/H265", 90000, null)]
    public void An_unsupported_media_codec_is_refused(string mimeType, int clockRate, int? channels)
    {
        var codec = new RtpCodecCapability
        {
            Kind = mimeType.StartsWith("audio", StringComparison.Ordinal) ? MediaKind.Audio : MediaKind.Video,
            MimeType = mimeType,
            ClockRate = clockRate,
            Channels = channels,
        };

        var error = Assert.Throws<OrtcException>(() => OrtcRules.GenerateRouterRtpCapabilities([codec]));
        Assert.True(error.IsUnsupported);
        Assert.Contains(mimeType, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_preferred_payload_type_already_taken_is_refused()
    {
        var error = Assert.Throws<OrtcException>(() => OrtcRules.GenerateRouterRtpCapabilities(
        [
            new RtpCodecCapability { Kind = MediaKind.Video, MimeType = "video/VP8", ClockRate = 90000 },
            new RtpCodecCapability { Kind = MediaKind.Video, MimeType = "video/VP9", ClockRate = 90000, PreferredPayloadType = 101 },
        ]));

        Assert.Contains("mediaCodecs[1].preferredPayloadType 101", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Running_out_of_dynamic_payload_types_is_an_error()
    {
        // 32 dynamic payload types hold 16 video codecs with their RTX codecs; the 17th has none left.
        var codecs = Enumerable.Range(0, 17)
            .Select(i => new RtpCodecCapability { Kind = MediaKind.Video, MimeType = "video/VP8", ClockRate = 90000, Parameters = { ["n"] = i } });

        var error = Assert.Throws<OrtcException>(() => OrtcRules.GenerateRouterRtpCapabilities(codecs));

        Assert.Contains("payload types", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_media_codec_names_its_index()
    {
        var error = Assert.Throws<OrtcException>(() => OrtcRules.GenerateRouterRtpCapabilities(
        [
            new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2 },
            new RtpCodecCapability { Kind = MediaKind.Video, MimeType = "", ClockRate = 90000 },
        ]));

        Assert.Equal("mediaCodecs[1].mimeType is missing", error.Message);
    }

    private static string Describe(Dictionary<string, RtpParameterValue> parameters) =>
        string.Join(",", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
