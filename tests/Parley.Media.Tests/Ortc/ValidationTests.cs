using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Media.Ortc;

namespace Parley.Media.Tests.Ortc;

/// <summary>Malformed client input, as the hub would deserialize it, gives an error naming the field.</summary>
public sealed class ValidationTests
{
    [Theory]
    [InlineData("codecs[0].mimeType", null, "rtpParameters.codecs[0].mimeType is missing")]
    [InlineData("codecs[0].mimeType", "\"opus\"", "rtpParameters.codecs[0].mimeType opus is not audio/... or video/...")]
    [InlineData("codecs[0].mimeType", "\"text/plain\"", "rtpParameters.codecs[0].mimeType text/plain is not audio/... or video/...")]
    [InlineData("codecs[0].payloadType", null, "rtpParameters.codecs[0].payloadType is missing")]
    [InlineData("codecs[0].payloadType", "128", "rtpParameters.codecs[0].payloadType 128 is not in 0-127")]
    [InlineData("codecs[0].payloadType", "97", "rtpParameters.codecs[1].payloadType 97 is used by another codec")]
    [InlineData("codecs[0].clockRate", null, "rtpParameters.codecs[0].clockRate is missing")]
    [InlineData("codecs[0].clockRate", "-90000", "rtpParameters.codecs[0].clockRate -90000 is not positive")]
    [InlineData("codecs[0].rtcpFeedback[0].type", "\"\"", "rtpParameters.codecs[0].rtcpFeedback[0].type is missing")]
    [InlineData("codecs[1].parameters.apt", "95", "rtpParameters.codecs[1].parameters.apt 95 points to no video media codec")]
    [InlineData("codecs[1].parameters.apt", "\"96\"", "rtpParameters.codecs[1].parameters.apt 96 is not a payload type number")]
    [InlineData("codecs[1].parameters.apt", null, "rtpParameters.codecs[1].parameters.apt is missing for an RTX codec")]
    [InlineData("headerExtensions[1].id", "4", "rtpParameters.headerExtensions[1].id 4 is used by another header extension")]
    [InlineData("headerExtensions[1].id", "0", "rtpParameters.headerExtensions[1].id 0 is not in 1-255")]
    [InlineData("headerExtensions[1].id", "256", "rtpParameters.headerExtensions[1].id 256 is not in 1-255")]
    [InlineData("headerExtensions[1].uri", null, "rtpParameters.headerExtensions[1].uri is missing")]
    [InlineData("encodings[1].rid", "\"r0\"", "rtpParameters.encodings[1].rid r0 is used by another encoding")]
    [InlineData("encodings[0].scalabilityMode", "\"L0T3\"", "rtpParameters.encodings[0].scalabilityMode L0T3 is not a scalability mode")]
    [InlineData("encodings[0].scaleResolutionDownBy", "0.5", "rtpParameters.encodings[0].scaleResolutionDownBy 0.5 is less than 1")]
    [InlineData("encodings[0].maxBitrate", "-1", "rtpParameters.encodings[0].maxBitrate -1 is negative")]
    [InlineData("encodings[0].codecPayloadType", "100", "rtpParameters.encodings[0].codecPayloadType 100 is not a payload type of rtpParameters.codecs")]
    [InlineData("encodings[0].rtx", "{}", "rtpParameters.encodings[0].rtx.ssrc is missing")]
    [InlineData("codecs", null, "rtpParameters.codecs is missing or empty")]
    [InlineData("codecs", "[]", "rtpParameters.codecs is missing or empty")]
    public void Malformed_rtp_parameters_name_the_field(string field, string? json, string message)
    {
        var node = JsonNode.Parse(OrtcTestData.ReadText(OrtcTestData.Vp8SimulcastFile))!;
        Set(node, field, json);
        var parameters = JsonSerializer.Deserialize<RtpParameters>(node.ToJsonString())!;

        var error = Assert.Throws<OrtcException>(() => OrtcRules.ValidateRtpParameters(parameters));

        Assert.Equal(message, error.Message);
        Assert.False(error.IsUnsupported);
    }

    [Theory]
    [InlineData("codecs[0].mimeType", null, "rtpCapabilities.codecs[0].mimeType is missing")]
    [InlineData("codecs[1].kind", "\"audio\"", "rtpCapabilities.codecs[1].kind is audio but mimeType video/VP8 is video")]
    [InlineData("codecs[0].kind", "\"video\"", "rtpCapabilities.codecs[0].kind is video but mimeType audio/opus is audio")]
    [InlineData("codecs[0].preferredPayloadType", "200", "rtpCapabilities.codecs[0].preferredPayloadType 200 is not in 0-127")]
    [InlineData("codecs[0].preferredPayloadType", "-1", "rtpCapabilities.codecs[0].preferredPayloadType -1 is not in 0-127")]
    [InlineData("codecs[3].preferredPayloadType", "101", "rtpCapabilities.codecs[3].preferredPayloadType 101 is used by another codec")]
    [InlineData("codecs[0].channels", "0", "rtpCapabilities.codecs[0].channels 0 is not positive")]
    [InlineData("codecs[2].parameters.apt", "99", "rtpCapabilities.codecs[2].parameters.apt 99 points to no video media codec")]
    [InlineData("codecs[2].parameters.apt", "100", "rtpCapabilities.codecs[2].parameters.apt 100 points to no video media codec")]
    [InlineData("headerExtensions[0].uri", "\"\"", "rtpCapabilities.headerExtensions[0].uri is missing")]
    [InlineData("headerExtensions[0].preferredId", "0", "rtpCapabilities.headerExtensions[0].preferredId 0 is not in 1-255")]
    [InlineData("headerExtensions[1].preferredId", "1", "rtpCapabilities.headerExtensions[1].preferredId 1 is used by another video extension (urn:ietf:params:rtp-hdrext:sdes:mid)")]
    public void Malformed_rtp_capabilities_name_the_field(string field, string? json, string message)
    {
        var node = JsonNode.Parse(OrtcTestData.ReadText(OrtcTestData.DeviceCapabilitiesFile))!;
        Set(node, field, json);
        var caps = JsonSerializer.Deserialize<RtpCapabilities>(node.ToJsonString())!;

        var error = Assert.Throws<OrtcException>(() => OrtcRules.ValidateRtpCapabilities(caps));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Captured_chromium_data_is_valid()
    {
        OrtcRules.ValidateRtpCapabilities(OrtcTestData.DeviceCapabilities());
        foreach (var file in OrtcTestData.ProducerFiles)
        {
            OrtcRules.ValidateRtpParameters(OrtcTestData.Read<RtpParameters>(file));
        }
    }

    [Fact]
    public void Missing_optional_fields_get_mediasoup_defaults()
    {
        var parameters = JsonSerializer.Deserialize<RtpParameters>(
            """{"codecs":[{"mimeType":"audio/opus","payloadType":111,"clockRate":48000,"parameters":null,"rtcpFeedback":null}],"headerExtensions":null,"encodings":null,"rtcp":null}""")!;

        OrtcRules.ValidateRtpParameters(parameters);

        var codec = parameters.Codecs[0];
        Assert.Equal(1, codec.Channels);
        Assert.Empty(codec.Parameters);
        Assert.Empty(codec.RtcpFeedback);
        Assert.Empty(parameters.HeaderExtensions);
        Assert.Empty(parameters.Encodings);
        Assert.True(parameters.Rtcp.ReducedSize);
    }

    [Fact]
    public void Video_codecs_lose_a_channel_count()
    {
        var codec = new RtpCodecCapability { Kind = MediaKind.Video, MimeType = "video/VP8", ClockRate = 90000, Channels = 2 };

        OrtcRules.ValidateRtpCodecCapability(codec);

        Assert.Null(codec.Channels);
    }

    [Fact]
    public void Null_input_is_an_ortc_error_not_a_crash()
    {
        Assert.Equal("rtpParameters is missing", Assert.Throws<OrtcException>(() => OrtcRules.ValidateRtpParameters(null!)).Message);
        Assert.Equal("rtpCapabilities is missing", Assert.Throws<OrtcException>(() => OrtcRules.ValidateRtpCapabilities(null!)).Message);

        var withNullCodec = JsonSerializer.Deserialize<RtpParameters>("""{"codecs":[null]}""")!;
        Assert.Equal("rtpParameters.codecs[0] is missing", Assert.Throws<OrtcException>(() => OrtcRules.ValidateRtpParameters(withNullCodec)).Message);

        var withNullExtension = JsonSerializer.Deserialize<RtpCapabilities>("""{"codecs":[],"headerExtensions":[null]}""")!;
        Assert.Equal("rtpCapabilities.headerExtensions[0] is missing", Assert.Throws<OrtcException>(() => OrtcRules.ValidateRtpCapabilities(withNullExtension)).Message);
    }

    /// <summary>Sets (or, for null, removes) a field addressed like <c>codecs[0].parameters.apt</c>.</summary>
    private static void Set(JsonNode root, string path, string? json)
    {
        var parts = path.Split('.');
        var node = root;
        for (var i = 0; i < parts.Length; i++)
        {
            var (name, index) = ParsePart(parts[i]);
            var last = i == parts.Length - 1;
            if (last && index is null)
            {
                var obj = node.AsObject();
                if (json is null)
                {
                    obj.Remove(name);
                }
                else
                {
                    obj[name] = JsonNode.Parse(json);
                }

                return;
            }

            node = node[name]!;
            if (index is not null)
            {
                node = node[index.Value]!;
            }
        }
    }

    private static (string Name, int? Index) ParsePart(string part)
    {
        var bracket = part.IndexOf('[', StringComparison.Ordinal);
        return bracket < 0
            ? (part, null)
            : (part[..bracket], int.Parse(part[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
