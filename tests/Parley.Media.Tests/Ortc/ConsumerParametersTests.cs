using Parley.Media.Ortc;

namespace Parley.Media.Tests.Ortc;

/// <summary>Consumers of captured Chromium producers, computed against the captured Chromium device capabilities.</summary>
public sealed class ConsumerParametersTests
{
    private readonly RtpCapabilities _device = OrtcTestData.DeviceCapabilities();

    [Theory]
    [InlineData(OrtcTestData.AudioOpusFile, "audio/opus", 100, null)]
    [InlineData(OrtcTestData.Vp8SimulcastFile, "video/VP8", 101, 102)]
    [InlineData(OrtcTestData.Vp9SvcFile, "video/VP9", 103, 104)]
    [InlineData(OrtcTestData.H264File, "video/H264", 107, 108)]
    public void The_device_gets_the_router_codec_and_its_rtx(string file, string mimeType, int pt, int? rtxPt)
    {
        var producer = ProducerUnderTest.From(file);

        var consumer = OrtcRules.GetConsumerRtpParameters(producer.Consumable, _device);

        Assert.Equal((mimeType, pt), (consumer.Codecs[0].MimeType, consumer.Codecs[0].PayloadType));
        if (rtxPt is null)
        {
            Assert.Single(consumer.Codecs);
            Assert.Null(consumer.Encodings[0].Rtx);
        }
        else
        {
            Assert.Equal(2, consumer.Codecs.Count);
            Assert.Equal(("video/rtx", rtxPt.Value), (consumer.Codecs[1].MimeType, consumer.Codecs[1].PayloadType));
            Assert.True(consumer.Codecs[1].Parameters["apt"] == pt);
            Assert.Equal(consumer.Encodings[0].Ssrc + 1, consumer.Encodings[0].Rtx!.Ssrc);
        }
    }

    [Fact]
    public void Video_feedback_is_the_device_one_with_transport_cc_instead_of_remb()
    {
        var consumer = OrtcRules.GetConsumerRtpParameters(ProducerUnderTest.From(OrtcTestData.Vp8SimulcastFile).Consumable, _device);

        // Chromium lists goog-remb, transport-cc, ccm fir, nack, nack pli; transport-wide CC is negotiated, so REMB goes.
        Assert.Equal(["transport-cc", "ccm fir", "nack", "nack pli"], consumer.Codecs[0].RtcpFeedback.Select(fb => fb.ToString()));
        Assert.Empty(consumer.Codecs[1].RtcpFeedback);
    }

    [Fact]
    public void Audio_feedback_drops_transport_cc_without_its_extension()
    {
        // Audio consumers get no transport-wide CC extension (the router only receives it), so
        // abs-send-time decides: transport-cc feedback is removed.
        var consumer = OrtcRules.GetConsumerRtpParameters(ProducerUnderTest.From(OrtcTestData.AudioOpusFile).Consumable, _device);

        Assert.Equal(["nack"], consumer.Codecs[0].RtcpFeedback.Select(fb => fb.ToString()));
    }

    [Fact]
    public void Header_extensions_are_those_the_device_has_under_the_same_id()
    {
        var consumer = OrtcRules.GetConsumerRtpParameters(ProducerUnderTest.From(OrtcTestData.Vp8SimulcastFile).Consumable, _device);

        // Chromium's receive capabilities lack abs-capture-time, so the consumer does not get it.
        Assert.Equal(
            [
                (1, RtpHeaderExtensionUris.Mid),
                (4, RtpHeaderExtensionUris.AbsSendTime),
                (5, RtpHeaderExtensionUris.TransportWideCcDraft01),
                (11, RtpHeaderExtensionUris.VideoOrientation),
                (12, RtpHeaderExtensionUris.TimeOffset),
                (14, RtpHeaderExtensionUris.PlayoutDelay),
            ],
            consumer.HeaderExtensions.Select(e => (e.Id, e.Uri)));
        Assert.DoesNotContain(_device.HeaderExtensions, e => e.Uri == RtpHeaderExtensionUris.AbsCaptureTime);
    }

    [Fact]
    public void An_extension_under_another_id_on_the_device_is_left_out()
    {
        var device = OrtcTestData.DeviceCapabilities();
        device.HeaderExtensions.Single(e => e.Uri == RtpHeaderExtensionUris.VideoOrientation).PreferredId = 9;

        var consumer = OrtcRules.GetConsumerRtpParameters(ProducerUnderTest.From(OrtcTestData.H264File).Consumable, device);

        Assert.DoesNotContain(consumer.HeaderExtensions, e => e.Uri == RtpHeaderExtensionUris.VideoOrientation);
    }

    [Fact]
    public void Without_transport_cc_extension_remb_is_kept_and_transport_cc_feedback_dropped()
    {
        var device = OrtcTestData.DeviceCapabilities();
        device.HeaderExtensions.RemoveAll(e => e.Uri == RtpHeaderExtensionUris.TransportWideCcDraft01);

        var consumer = OrtcRules.GetConsumerRtpParameters(ProducerUnderTest.From(OrtcTestData.Vp8SimulcastFile).Consumable, device);

        Assert.Equal(["goog-remb", "ccm fir", "nack", "nack pli"], consumer.Codecs[0].RtcpFeedback.Select(fb => fb.ToString()));
    }

    [Fact]
    public void Without_either_bandwidth_extension_neither_feedback_is_kept()
    {
        var device = OrtcTestData.DeviceCapabilities();
        device.HeaderExtensions.RemoveAll(e => e.Uri is RtpHeaderExtensionUris.TransportWideCcDraft01 or RtpHeaderExtensionUris.AbsSendTime);

        var consumer = OrtcRules.GetConsumerRtpParameters(ProducerUnderTest.From(OrtcTestData.Vp8SimulcastFile).Consumable, device);

        Assert.Equal(["ccm fir", "nack", "nack pli"], consumer.Codecs[0].RtcpFeedback.Select(fb => fb.ToString()));
    }

    [Fact]
    public void Simulcast_becomes_one_stream_with_spatial_layers_per_encoding()
    {
        var producer = ProducerUnderTest.From(OrtcTestData.Vp8SimulcastFile);

        var consumer = OrtcRules.GetConsumerRtpParameters(producer.Consumable, _device);

        var encoding = Assert.Single(consumer.Encodings);
        Assert.Equal("L3T3", encoding.ScalabilityMode);
        Assert.Equal(producer.Parameters.Encodings.Max(e => e.MaxBitrate), encoding.MaxBitrate);
        Assert.Null(encoding.Rid);
    }

    [Fact]
    public void Svc_keeps_its_scalability_mode()
    {
        var consumer = OrtcRules.GetConsumerRtpParameters(ProducerUnderTest.From(OrtcTestData.Vp9SvcFile).Consumable, _device);

        Assert.Equal("L3T3", Assert.Single(consumer.Encodings).ScalabilityMode);
    }

    [Fact]
    public void Ssrcs_are_fresh_for_every_consumer()
    {
        var producer = ProducerUnderTest.From(OrtcTestData.H264File);

        var a = OrtcRules.GetConsumerRtpParameters(producer.Consumable, _device).Encodings[0];
        var b = OrtcRules.GetConsumerRtpParameters(producer.Consumable, _device).Encodings[0];

        uint?[] taken = [producer.Parameters.Encodings[0].Ssrc, producer.Parameters.Encodings[0].Rtx!.Ssrc, producer.Consumable.Encodings[0].Ssrc];
        Assert.NotEqual(a.Ssrc, b.Ssrc);
        Assert.DoesNotContain(a.Ssrc, taken);
        Assert.DoesNotContain(b.Ssrc, taken);
        Assert.InRange(a.Ssrc!.Value, 100_000_000u, 999_999_999u);
    }

    [Fact]
    public void Rtcp_carries_the_producer_cname()
    {
        var producer = ProducerUnderTest.From(OrtcTestData.Vp9SvcFile);

        var consumer = OrtcRules.GetConsumerRtpParameters(producer.Consumable, _device);

        Assert.Equal(producer.Parameters.Rtcp.Cname, consumer.Rtcp.Cname);
        Assert.True(consumer.Rtcp.ReducedSize);
    }

    [Fact]
    public void Without_rtx_neither_rtx_codec_nor_plain_nack_is_offered()
    {
        var consumer = OrtcRules.GetConsumerRtpParameters(ProducerUnderTest.From(OrtcTestData.Vp8SimulcastFile).Consumable, _device, enableRtx: false);

        var codec = Assert.Single(consumer.Codecs);
        Assert.Equal(["transport-cc", "ccm fir", "nack pli"], codec.RtcpFeedback.Select(fb => fb.ToString()));
        Assert.Null(consumer.Encodings[0].Rtx);
    }

    [Fact]
    public void A_device_without_rtx_gets_no_rtx()
    {
        var device = OrtcTestData.DeviceCapabilities();
        device.Codecs.RemoveAll(c => c.MimeType == "video/rtx");

        var consumer = OrtcRules.GetConsumerRtpParameters(ProducerUnderTest.From(OrtcTestData.H264File).Consumable, device);

        Assert.Single(consumer.Codecs);
        Assert.Null(consumer.Encodings[0].Rtx);
    }

    [Fact]
    public void Consumer_parameters_are_valid_and_leave_the_consumable_ones_untouched()
    {
        var producer = ProducerUnderTest.From(OrtcTestData.Vp8SimulcastFile);
        var before = System.Text.Json.JsonSerializer.Serialize(producer.Consumable);

        var consumer = OrtcRules.GetConsumerRtpParameters(producer.Consumable, _device);

        OrtcRules.ValidateRtpParameters(consumer);
        Assert.Equal(before, System.Text.Json.JsonSerializer.Serialize(producer.Consumable));
    }

    [Theory]
    [InlineData(OrtcTestData.AudioOpusFile)]
    [InlineData(OrtcTestData.Vp8SimulcastFile)]
    [InlineData(OrtcTestData.Vp9SvcFile)]
    [InlineData(OrtcTestData.H264File)]
    public void Chromium_can_consume_what_chromium_produces(string file)
    {
        Assert.True(OrtcRules.CanConsume(ProducerUnderTest.From(file).Consumable, _device));
    }

    [Fact]
    public void A_device_without_the_codec_cannot_consume()
    {
        var device = OrtcTestData.DeviceCapabilities();
        var vp9PayloadTypes = device.Codecs.Where(c => c.MimeType == "video/VP9").Select(c => c.PreferredPayloadType!.Value).ToList();
        device.Codecs.RemoveAll(c => c.MimeType == "video/VP9" || (c.MimeType == "video/rtx" && vp9PayloadTypes.Exists(pt => c.Parameters["apt"] == pt)));
        var producer = ProducerUnderTest.From(OrtcTestData.Vp9SvcFile);

        Assert.False(OrtcRules.CanConsume(producer.Consumable, device));
        var error = Assert.Throws<OrtcException>(() => OrtcRules.GetConsumerRtpParameters(producer.Consumable, device));
        Assert.True(error.IsUnsupported);
        Assert.Equal("no compatible media codecs", error.Message);
    }

    [Fact]
    public void A_device_with_only_rtx_in_common_cannot_consume()
    {
        var device = OrtcTestData.DeviceCapabilities();
        device.Codecs.RemoveAll(c => c.MimeType == "video/VP8");
        // Keep an RTX codec with the router's payload types so that only RTX matches.
        device.Codecs.RemoveAll(c => c.MimeType == "video/rtx" && c.Parameters["apt"] != 103);

        Assert.False(OrtcRules.CanConsume(ProducerUnderTest.From(OrtcTestData.Vp8SimulcastFile).Consumable, device));
    }

    [Fact]
    public void A_device_with_another_h264_profile_cannot_consume()
    {
        var device = OrtcTestData.DeviceCapabilities();
        device.Codecs.RemoveAll(c => c.MimeType == "video/H264" && c.Parameters["profile-level-id"] == "42e01f");
        device.Codecs.RemoveAll(c => c.MimeType == "video/rtx" && c.Parameters["apt"] == 107);

        Assert.False(OrtcRules.CanConsume(ProducerUnderTest.From(OrtcTestData.H264File).Consumable, device));
    }

    [Fact]
    public void A_device_with_vp9_profile_2_only_cannot_consume_profile_0()
    {
        var device = OrtcTestData.DeviceCapabilities();
        device.Codecs.RemoveAll(c => c.MimeType == "video/VP9" && c.Parameters["profile-id"] == 0);
        device.Codecs.RemoveAll(c => c.MimeType == "video/rtx" && c.Parameters["apt"] == 103);

        Assert.False(OrtcRules.CanConsume(ProducerUnderTest.From(OrtcTestData.Vp9SvcFile).Consumable, device));
    }

    [Fact]
    public void Malformed_device_capabilities_are_an_error_not_a_no()
    {
        var device = OrtcTestData.DeviceCapabilities();
        device.Codecs[0].MimeType = "opus";

        Assert.Throws<OrtcException>(() => OrtcRules.CanConsume(ProducerUnderTest.From(OrtcTestData.AudioOpusFile).Consumable, device));
    }

    [Fact]
    public void A_pipe_consumer_keeps_every_encoding_with_consecutive_ssrcs()
    {
        var producer = ProducerUnderTest.From(OrtcTestData.Vp8SimulcastFile);

        var consumer = OrtcRules.GetConsumerRtpParameters(producer.Consumable, _device, pipe: true);

        Assert.Equal(3, consumer.Encodings.Count);
        var ssrc = consumer.Encodings[0].Ssrc!.Value;
        var rtx = consumer.Encodings[0].Rtx!.Ssrc;
        Assert.Equal([ssrc, ssrc + 1, ssrc + 2], consumer.Encodings.Select(e => e.Ssrc!.Value));
        Assert.Equal([rtx, rtx + 1, rtx + 2], consumer.Encodings.Select(e => e.Rtx!.Ssrc));
        Assert.Equal(["L1T3", "L1T3", "L1T3"], consumer.Encodings.Select(e => e.ScalabilityMode));
    }

    [Fact]
    public void Pipe_consumer_parameters_keep_only_keyframe_feedback_and_no_bandwidth_extensions()
    {
        var producer = ProducerUnderTest.From(OrtcTestData.Vp8SimulcastFile);

        var consumer = OrtcRules.GetPipeConsumerRtpParameters(producer.Consumable);

        var codec = Assert.Single(consumer.Codecs);
        Assert.Equal(["nack pli", "ccm fir"], codec.RtcpFeedback.Select(fb => fb.ToString()));
        Assert.DoesNotContain(consumer.HeaderExtensions, e => e.Uri is RtpHeaderExtensionUris.Mid or RtpHeaderExtensionUris.AbsSendTime or RtpHeaderExtensionUris.TransportWideCcDraft01);
        Assert.Equal(3, consumer.Encodings.Count);
        Assert.All(consumer.Encodings, e => Assert.Null(e.Rtx));

        var withRtx = OrtcRules.GetPipeConsumerRtpParameters(producer.Consumable, enableRtx: true);
        Assert.Equal(["nack", "nack pli", "ccm fir"], withRtx.Codecs[0].RtcpFeedback.Select(fb => fb.ToString()));
        Assert.Equal("video/rtx", withRtx.Codecs[1].MimeType);
        Assert.All(withRtx.Encodings, e => Assert.NotNull(e.Rtx));
    }
}
