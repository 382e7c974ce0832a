using Parley.Media.Ortc;

namespace Parley.Media.Tests.Ortc;

public sealed class ConsumableParametersTests
{
    private static readonly string[] VideoFeedback = ["nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"];

    [Fact]
    public void Video_codecs_take_router_payload_types_and_feedback_with_the_producer_parameters()
    {
        var producer = ProducerUnderTest.From(OrtcTestData.H264File);

        var codecs = producer.Consumable.Codecs;

        Assert.Equal(2, codecs.Count);
        Assert.Equal(("video/H264", 107, 90000), (codecs[0].MimeType, codecs[0].PayloadType, codecs[0].ClockRate));
        Assert.Equal(producer.Parameters.Codecs[0].Parameters, codecs[0].Parameters);
        Assert.Equal(VideoFeedback, codecs[0].RtcpFeedback.Select(fb => fb.ToString()));
        Assert.Equal(("video/rtx", 108), (codecs[1].MimeType, codecs[1].PayloadType));
        Assert.True(codecs[1].Parameters["apt"] == 107);
        Assert.Null(codecs[1].Channels);
    }

    [Fact]
    public void Audio_keeps_the_producer_opus_parameters()
    {
        var producer = ProducerUnderTest.From(OrtcTestData.AudioOpusFile);

        var opus = Assert.Single(producer.Consumable.Codecs);

        Assert.Equal(("audio/opus", 100, 48000, 2), (opus.MimeType, opus.PayloadType, opus.ClockRate, opus.Channels));
        Assert.True(opus.Parameters["useinbandfec"] == 1);
        Assert.True(opus.Parameters["minptime"] == 10);
        Assert.Equal(["nack", "transport-cc"], opus.RtcpFeedback.Select(fb => fb.ToString()));
    }

    [Fact]
    public void Video_header_extensions_are_the_router_ones_consumers_may_receive()
    {
        var producer = ProducerUnderTest.From(OrtcTestData.Vp8SimulcastFile);

        Assert.Equal(
            [
                (1, RtpHeaderExtensionUris.Mid),
                (4, RtpHeaderExtensionUris.AbsSendTime),
                (5, RtpHeaderExtensionUris.TransportWideCcDraft01),
                (8, RtpHeaderExtensionUris.DependencyDescriptor),
                (11, RtpHeaderExtensionUris.VideoOrientation),
                (12, RtpHeaderExtensionUris.TimeOffset),
                (13, RtpHeaderExtensionUris.AbsCaptureTime),
                (14, RtpHeaderExtensionUris.PlayoutDelay),
            ],
            producer.Consumable.HeaderExtensions.Select(e => (e.Id, e.Uri)));
    }

    [Fact]
    public void Audio_header_extensions_leave_out_receive_only_transport_cc()
    {
        var producer = ProducerUnderTest.From(OrtcTestData.AudioOpusFile);

        Assert.Equal(
            [
                (1, RtpHeaderExtensionUris.Mid),
                (4, RtpHeaderExtensionUris.AbsSendTime),
                (10, RtpHeaderExtensionUris.AudioLevel),
                (13, RtpHeaderExtensionUris.AbsCaptureTime),
                (14, RtpHeaderExtensionUris.PlayoutDelay),
            ],
            producer.Consumable.HeaderExtensions.Select(e => (e.Id, e.Uri)));
    }

    [Fact]
    public void Encodings_carry_mapped_ssrcs_without_rid_or_rtx()
    {
        var producer = ProducerUnderTest.From(OrtcTestData.Vp8SimulcastFile);

        var encodings = producer.Consumable.Encodings;

        Assert.Equal(producer.Mapping.Encodings.Select(e => (uint?)e.MappedSsrc), encodings.Select(e => e.Ssrc));
        Assert.All(encodings, e => Assert.Null(e.Rid));
        Assert.All(encodings, e => Assert.Null(e.Rtx));
        Assert.Equal(producer.Parameters.Encodings.Select(e => e.MaxBitrate), encodings.Select(e => e.MaxBitrate));
        Assert.Equal(producer.Parameters.Encodings.Select(e => e.ScaleResolutionDownBy), encodings.Select(e => e.ScaleResolutionDownBy));
        Assert.Equal("r0", producer.Parameters.Encodings[0].Rid); // the producer's own parameters are untouched
    }

    [Fact]
    public void Rtx_ssrc_of_the_producer_is_dropped()
    {
        var producer = ProducerUnderTest.From(OrtcTestData.Vp9SvcFile);

        var encoding = Assert.Single(producer.Consumable.Encodings);

        Assert.NotNull(producer.Parameters.Encodings[0].Rtx);
        Assert.Null(encoding.Rtx);
        Assert.Equal("L3T3", encoding.ScalabilityMode);
    }

    [Fact]
    public void Rtcp_keeps_the_producer_cname_with_reduced_size()
    {
        var producer = ProducerUnderTest.From(OrtcTestData.AudioOpusFile);

        Assert.Equal(producer.Parameters.Rtcp.Cname, producer.Consumable.Rtcp.Cname);
        Assert.True(producer.Consumable.Rtcp.ReducedSize);
    }

    [Fact]
    public void Consumable_parameters_are_valid_rtp_parameters()
    {
        foreach (var file in OrtcTestData.ProducerFiles)
        {
            OrtcRules.ValidateRtpParameters(ProducerUnderTest.From(file).Consumable);
        }
    }
}

public sealed class ConsumableKindTests
{
    [Fact]
    public void A_producer_whose_codecs_are_not_of_its_kind_is_refused()
    {
        var router = OrtcTestData.RouterCapabilities();
        var parameters = OrtcTestData.Producer(OrtcTestData.AudioOpusFile);
        var mapping = OrtcRules.GetProducerRtpParametersMapping(parameters, router);

        var error = Assert.Throws<OrtcException>(() => OrtcRules.GetConsumableRtpParameters(MediaKind.Video, parameters, router, mapping));

        Assert.Equal("rtpParameters codec audio/opus is not of the producer's kind video", error.Message);
    }
}
