using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Media.Ortc;

namespace Parley.Media.Tests.Ortc;

public sealed class JsonRoundTripTests
{
    public static TheoryData<string> ProducerFiles => new(OrtcTestData.ProducerFiles);

    [Theory]
    [MemberData(nameof(ProducerFiles))]
    public void Captured_producer_parameters_round_trip_unchanged(string fileName)
    {
        var original = OrtcTestData.ReadText(fileName);

        var parsed = JsonSerializer.Deserialize<RtpParameters>(original);
        var written = JsonSerializer.Serialize(parsed);

        AssertSameJson(original, written);
    }

    [Fact]
    public void Captured_device_capabilities_round_trip_unchanged()
    {
        var original = OrtcTestData.ReadText(OrtcTestData.DeviceCapabilitiesFile);

        var written = JsonSerializer.Serialize(JsonSerializer.Deserialize<RtpCapabilities>(original));

        AssertSameJson(original, written);
    }

    [Fact]
    public void Router_capabilities_round_trip_unchanged()
    {
        var original = JsonSerializer.Serialize(OrtcTestData.RouterCapabilities());

        var written = JsonSerializer.Serialize(JsonSerializer.Deserialize<RtpCapabilities>(original));

        AssertSameJson(original, written);
    }

    [Theory]
    [MemberData(nameof(ProducerFiles))]
    public void Validation_leaves_well_formed_captured_parameters_unchanged(string fileName)
    {
        var original = OrtcTestData.ReadText(fileName);
        var parsed = JsonSerializer.Deserialize<RtpParameters>(original)!;

        OrtcRules.ValidateRtpParameters(parsed);

        AssertSameJson(original, JsonSerializer.Serialize(parsed));
    }

    [Theory]
    [MemberData(nameof(ProducerFiles))]
    public void Web_serializer_defaults_as_the_hub_uses_give_the_same_json(string fileName)
    {
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var original = OrtcTestData.ReadText(fileName);

        var written = JsonSerializer.Serialize(JsonSerializer.Deserialize<RtpParameters>(original, web), web);

        AssertSameJson(original, written);
        AssertSameJson(
            JsonSerializer.Serialize(OrtcTestData.RouterCapabilities()),
            JsonSerializer.Serialize(OrtcTestData.RouterCapabilities(), web));
    }

    [Fact]
    public void Names_are_camel_case_and_enums_lowercase_as_mediasoup_client_uses_them()
    {
        var json = JsonSerializer.Serialize(OrtcTestData.RouterCapabilities());
        var root = JsonNode.Parse(json)!;

        var opus = root["codecs"]![0]!;
        Assert.Equal("audio", opus["kind"]!.GetValue<string>());
        Assert.Equal(100, opus["preferredPayloadType"]!.GetValue<int>());
        var ext = root["headerExtensions"]![0]!;
        Assert.Equal("sendrecv", ext["direction"]!.GetValue<string>());
        Assert.False(ext["preferredEncrypt"]!.GetValue<bool>());
        Assert.Null(root["codecs"]![1]!["channels"]);
    }

    [Fact]
    public void Unknown_encoding_and_parameter_fields_are_kept()
    {
        var parameters = OrtcTestData.Producer(OrtcTestData.Vp8SimulcastFile);

        Assert.True(parameters.Encodings[0].AdditionalProperties!["active"].GetBoolean());
        Assert.True(parameters.AdditionalProperties!.ContainsKey("msid"));
    }

    [Fact]
    public void Parameter_values_keep_their_json_type()
    {
        const string json = """{"packetization-mode":1,"profile-level-id":"42e01f","x-google-start-bitrate":1000,"ratio":0.5,"mode":"1"}""";

        var values = JsonSerializer.Deserialize<Dictionary<string, RtpParameterValue>>(json)!;

        Assert.True(values["packetization-mode"].IsNumber);
        Assert.False(values["profile-level-id"].IsNumber);
        Assert.False(values["mode"].IsNumber);
        AssertSameJson(json, JsonSerializer.Serialize(values));
        Assert.Equal("""{"packetization-mode":1,"profile-level-id":"42e01f","x-google-start-bitrate":1000,"ratio":0.5,"mode":"1"}""", JsonSerializer.Serialize(values));
    }

    [Theory]
    [InlineData("""{"apt":true}""")]
    [InlineData("""{"apt":null}""")]
    [InlineData("""{"apt":[1]}""")]
    [InlineData("""{"apt":{"x":1}}""")]
    public void Parameter_values_that_are_neither_string_nor_number_are_rejected(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Dictionary<string, RtpParameterValue>>(json));
    }

    [Theory]
    [InlineData("""{"kind":"data","uri":"urn:x","preferredId":1}""")]
    [InlineData("""{"kind":"audio","uri":"urn:x","preferredId":1,"direction":"both"}""")]
    public void Unknown_kind_or_direction_is_rejected(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<RtpHeaderExtension>(json));
    }

    private static void AssertSameJson(string expected, string actual) =>
        Assert.True(
            OrtcTestData.SemanticallyEqual(JsonNode.Parse(expected), JsonNode.Parse(actual)),
            $"JSON differs.\nexpected: {JsonNode.Parse(expected)!.ToJsonString()}\nactual:   {actual}");
}

public sealed class SemanticJsonCompareTests
{
    [Theory]
    [InlineData("""{"a":1,"b":"x"}""", """{"b":"x","a":1.0}""", true)]
    [InlineData("""{"a":1}""", """{"a":2}""", false)]
    [InlineData("""{"a":1}""", """{"a":"1"}""", false)]
    [InlineData("""{"a":1}""", """{"a":1,"b":null}""", false)]
    [InlineData("""[1,2]""", """[2,1]""", false)]
    [InlineData("""{"s":"+"}""", """{"s":"\u002B"}""", true)]
    public void Compares_meaning_not_spelling(string a, string b, bool equal)
    {
        Assert.Equal(equal, OrtcTestData.SemanticallyEqual(JsonNode.Parse(a), JsonNode.Parse(b)));
    }
}
