using Parley.Media.Ortc;

namespace Parley.Media.Tests.Ortc;

/// <summary>Chromium's producer parameters (captured through mediasoup-client) mapped onto our router.</summary>
public sealed class ProducerMappingTests
{
    private readonly RtpCapabilities _router = OrtcTestData.RouterCapabilities();

    [Theory]
    [InlineData(OrtcTestData.AudioOpusFile, "audio/opus", 100, null)]
    [InlineData(OrtcTestData.Vp8SimulcastFile, "video/VP8", 101, 102)]
    [InlineData(OrtcTestData.Vp9SvcFile, "video/VP9", 103, 104)]
    [InlineData(OrtcTestData.H264File, "video/H264", 107, 108)]
    public void Browser_payload_types_map_to_the_router_ones(string file, string mimeType, int routerPt, int? routerRtxPt)
    {
        var producer = OrtcTestData.Producer(file);
        var media = producer.Codecs.Single(c => c.MimeType == mimeType);

        var mapping = OrtcRules.GetProducerRtpParametersMapping(producer, _router);

        var expected = new List<RtpCodecMapping> { new(media.PayloadType, routerPt) };
        if (routerRtxPt is { } rtxPt)
        {
            var rtx = producer.Codecs.Single(c => c.MimeType == "video/rtx");
            Assert.True(rtx.Parameters["apt"] == media.PayloadType);
            expected.Add(new RtpCodecMapping(rtx.PayloadType, rtxPt));
        }

        Assert.Equal(expected, mapping.Codecs);
    }

    [Fact]
    public void Simulcast_encodings_are_found_by_rid_and_get_consecutive_router_ssrcs()
    {
        var producer = OrtcTestData.Producer(OrtcTestData.Vp8SimulcastFile);

        var mapping = OrtcRules.GetProducerRtpParametersMapping(producer, _router);

        Assert.Equal(["r0", "r1", "r2"], mapping.Encodings.Select(e => e.Rid));
        Assert.All(mapping.Encodings, e => Assert.Null(e.Ssrc));
        Assert.All(mapping.Encodings, e => Assert.Equal("L1T3", e.ScalabilityMode));
        var first = mapping.Encodings[0].MappedSsrc;
        Assert.Equal([first, first + 1, first + 2], mapping.Encodings.Select(e => e.MappedSsrc));
    }

    [Theory]
    [InlineData(OrtcTestData.AudioOpusFile)]
    [InlineData(OrtcTestData.Vp9SvcFile)]
    [InlineData(OrtcTestData.H264File)]
    public void A_single_encoding_is_found_by_ssrc(string file)
    {
        var producer = OrtcTestData.Producer(file);

        var mapping = OrtcRules.GetProducerRtpParametersMapping(producer, _router);

        var encoding = Assert.Single(mapping.Encodings);
        Assert.Equal(producer.Encodings[0].Ssrc, encoding.Ssrc);
        Assert.NotEqual(producer.Encodings[0].Ssrc, encoding.MappedSsrc);
        Assert.Equal(producer.Encodings[0].ScalabilityMode, encoding.ScalabilityMode);
    }

    [Fact]
    public void Each_producer_gets_fresh_router_ssrcs()
    {
        var a = OrtcRules.GetProducerRtpParametersMapping(OrtcTestData.Producer(OrtcTestData.H264File), _router);
        var b = OrtcRules.GetProducerRtpParametersMapping(OrtcTestData.Producer(OrtcTestData.H264File), _router);

        Assert.NotEqual(a.Encodings[0].MappedSsrc, b.Encodings[0].MappedSsrc);
    }

    [Theory]
    [InlineData("4d001f", 109)]
    [InlineData("4de01f", 107)] // Main with constraint_set1 is Constrained Baseline
    [InlineData("42e034", 107)]
    public void H264_maps_by_profile_not_by_level(string profileLevelId, int routerPt)
    {
        var producer = OrtcTestData.Producer(OrtcTestData.H264File);
        producer.Codecs[0].Parameters["profile-level-id"] = profileLevelId;

        var mapping = OrtcRules.GetProducerRtpParametersMapping(producer, _router);

        Assert.Equal(routerPt, mapping.Codecs[0].MappedPayloadType);
        Assert.Equal(routerPt + 1, mapping.Codecs[1].MappedPayloadType);
    }

    [Fact]
    public void H264_profile_level_id_becomes_the_negotiated_one()
    {
        // Without level asymmetry on the producer's side, the answer is the lower level (the router's 3.1).
        var producer = OrtcTestData.Producer(OrtcTestData.H264File);
        producer.Codecs[0].Parameters["profile-level-id"] = "42e034";
        producer.Codecs[0].Parameters.Remove("level-asymmetry-allowed");

        OrtcRules.GetProducerRtpParametersMapping(producer, _router);

        Assert.True(producer.Codecs[0].Parameters["profile-level-id"] == "42e01f");
    }

    [Fact]
    public void H264_with_another_packetization_mode_is_unsupported()
    {
        var producer = OrtcTestData.Producer(OrtcTestData.H264File);
        producer.Codecs[0].Parameters["packetization-mode"] = 0;

        var error = Assert.Throws<OrtcException>(() => OrtcRules.GetProducerRtpParametersMapping(producer, _router));

        Assert.True(error.IsUnsupported);
        Assert.Contains("video/H264", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void H264_high_profile_is_unsupported_by_the_default_router()
    {
        var producer = OrtcTestData.Producer(OrtcTestData.H264File);
        producer.Codecs[0].Parameters["profile-level-id"] = "64001f";

        Assert.True(Assert.Throws<OrtcException>(() => OrtcRules.GetProducerRtpParametersMapping(producer, _router)).IsUnsupported);
    }

    [Theory]
    [InlineData(2, 105)]
    [InlineData("2", 105)]
    [InlineData(0, 103)]
    public void Vp9_maps_by_profile_id(object profileId, int routerPt)
    {
        var producer = OrtcTestData.Producer(OrtcTestData.Vp9SvcFile);
        producer.Codecs[0].Parameters["profile-id"] = profileId is int n ? n : (string)profileId;

        var mapping = OrtcRules.GetProducerRtpParametersMapping(producer, _router);

        Assert.Equal(routerPt, mapping.Codecs[0].MappedPayloadType);
    }

    [Fact]
    public void Vp9_profile_1_is_unsupported()
    {
        var producer = OrtcTestData.Producer(OrtcTestData.Vp9SvcFile);
        producer.Codecs[0].Parameters["profile-id"] = 1;

        Assert.True(Assert.Throws<OrtcException>(() => OrtcRules.GetProducerRtpParametersMapping(producer, _router)).IsUnsupported);
    }

    [Fact]
    public void A_router_without_rtx_for_the_codec_refuses_the_producer_rtx()
    {
        var router = OrtcTestData.RouterCapabilities();
        router.Codecs.RemoveAll(c => c.MimeType == "video/rtx");

        var error = Assert.Throws<OrtcException>(() =>
            OrtcRules.GetProducerRtpParametersMapping(OrtcTestData.Producer(OrtcTestData.Vp8SimulcastFile), router));

        Assert.Equal("no RTX codec for capability codec payloadType 101", error.Message);
    }

    [Fact]
    public void A_producer_without_encodings_is_refused()
    {
        var producer = OrtcTestData.Producer(OrtcTestData.AudioOpusFile);
        producer.Encodings.Clear();

        Assert.Equal(
            "rtpParameters.encodings is empty",
            Assert.Throws<OrtcException>(() => OrtcRules.GetProducerRtpParametersMapping(producer, _router)).Message);
    }
}

public sealed class ProducerCnameTests
{
    [Fact]
    public void An_empty_cname_is_replaced_by_a_made_up_one()
    {
        var producer = OrtcTestData.Producer(OrtcTestData.Vp8SimulcastFile);
        Assert.Equal("", producer.Rtcp.Cname); // what Chromium sends for RID simulcast

        var cname = OrtcRules.AssignProducerCname(producer, transportCname: null);

        Assert.Equal(8, cname.Length);
        Assert.Equal(cname, producer.Rtcp.Cname);
    }

    [Fact]
    public void The_first_producer_cname_becomes_the_transport_one()
    {
        var audio = OrtcTestData.Producer(OrtcTestData.AudioOpusFile);
        var video = OrtcTestData.Producer(OrtcTestData.Vp8SimulcastFile);
        var browserCname = audio.Rtcp.Cname;

        var transportCname = OrtcRules.AssignProducerCname(audio, transportCname: null);
        var again = OrtcRules.AssignProducerCname(video, transportCname);

        Assert.Equal(browserCname, transportCname);
        Assert.Equal(transportCname, again);
        Assert.Equal(transportCname, video.Rtcp.Cname);
    }
}
