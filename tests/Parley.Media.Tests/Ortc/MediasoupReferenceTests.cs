using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Media.Ortc;

namespace Parley.Media.Tests.Ortc;

/// <summary>
/// Differential test against mediasoup itself: tools/capture-rtp/mediasoup-reference.mjs ran
/// mediasoup's own ORTC functions over the same captured Chromium data and our router media codecs;
/// our results must be the same JSON, random SSRCs aside, and but for one deliberate difference
/// (<see cref="WithDependencyDescriptorSent"/>).
/// </summary>
public sealed class MediasoupReferenceTests
{
    private static readonly JsonNode Reference = WithDependencyDescriptorSent(JsonNode.Parse(OrtcTestData.ReadText("mediasoup-reference.json"))!);

    public static TheoryData<string> ProducerFiles => new(OrtcTestData.ProducerFiles);

    /// <summary>
    /// mediasoup has no RED (versatica/mediasoup#481), so the reference ran without it (the tool leaves it out); ours
    /// list it last, which leaves every other payload type as mediasoup assigns it.
    /// </summary>
    [Fact]
    public void Router_capabilities_are_mediasoups()
    {
        var withoutRed = OrtcRules.GenerateRouterRtpCapabilities(RouterDefaults.MediaCodecs.Where(c => c.MimeType != "audio/red"));
        AssertSame(Reference["routerRtpCapabilities"]!, JsonSerializer.SerializeToNode(withoutRed)!);
        Assert.Equal(withoutRed.Codecs.Count + 1, OrtcTestData.RouterCapabilities().Codecs.Count);
    }

    [Theory]
    [MemberData(nameof(ProducerFiles))]
    public void Producer_mapping_is_mediasoups(string file)
    {
        var expected = Reference["producers"]![file]!;
        var (parameters, mapping, _) = Negotiate(file, expected);

        Assert.Equal(
            expected["mapping"]!["codecs"]!.AsArray().Select(c => (c!["payloadType"]!.GetValue<int>(), c["mappedPayloadType"]!.GetValue<int>())),
            mapping.Codecs.Select(c => (c.PayloadType, c.MappedPayloadType)));
        Assert.Equal(
            expected["mapping"]!["encodings"]!.AsArray().Select(e => (e!["ssrc"]?.GetValue<uint>(), e["rid"]?.GetValue<string>(), e["scalabilityMode"]?.GetValue<string>())),
            mapping.Encodings.Select(e => (e.Ssrc, e.Rid, e.ScalabilityMode)));

        // Validation and H264 answer negotiation change the producer's parameters the same way.
        AssertSame(expected["producerAfterMapping"]!, JsonSerializer.SerializeToNode(parameters)!);
    }

    [Theory]
    [MemberData(nameof(ProducerFiles))]
    public void Consumable_parameters_are_mediasoups(string file)
    {
        var expected = Reference["producers"]![file]!;
        var (_, _, consumable) = Negotiate(file, expected);

        AssertSame(expected["consumable"]!, JsonSerializer.SerializeToNode(consumable)!);
    }

    [Theory]
    [MemberData(nameof(ProducerFiles))]
    public void Consumer_parameters_are_mediasoups(string file)
    {
        var expected = Reference["producers"]![file]!;
        var (_, _, consumable) = Negotiate(file, expected);
        var device = OrtcTestData.DeviceCapabilities();

        Assert.Equal(expected["canConsume"]!.GetValue<bool>(), OrtcRules.CanConsume(consumable, device));
        AssertSame(expected["consumer"]!, JsonSerializer.SerializeToNode(OrtcRules.GetConsumerRtpParameters(consumable, device))!);
        AssertSame(expected["consumerWithoutRtx"]!, JsonSerializer.SerializeToNode(OrtcRules.GetConsumerRtpParameters(consumable, device, enableRtx: false))!);
        AssertSame(expected["pipeConsumer"]!, JsonSerializer.SerializeToNode(OrtcRules.GetConsumerRtpParameters(consumable, device, pipe: true))!);
        AssertSame(expected["pipeConsumerParameters"]!, JsonSerializer.SerializeToNode(OrtcRules.GetPipeConsumerRtpParameters(consumable))!);
        AssertSame(expected["pipeConsumerParametersWithRtx"]!, JsonSerializer.SerializeToNode(OrtcRules.GetPipeConsumerRtpParameters(consumable, enableRtx: true))!);
    }

    private static (RtpParameters Parameters, RtpMapping Mapping, RtpParameters Consumable) Negotiate(string file, JsonNode expected)
    {
        var router = OrtcTestData.RouterCapabilities();
        var parameters = OrtcTestData.Producer(file);
        var kind = expected["kind"]!.GetValue<string>() == "audio" ? MediaKind.Audio : MediaKind.Video;
        var mapping = OrtcRules.GetProducerRtpParametersMapping(parameters, router);
        var consumable = OrtcRules.GetConsumableRtpParameters(kind, parameters, router, mapping);
        return (parameters, mapping, consumable);
    }

    private static void AssertSame(JsonNode expected, JsonNode actual)
    {
        var e = WithoutRandomSsrcs(expected);
        var a = WithoutRandomSsrcs(actual);
        Assert.True(OrtcTestData.SemanticallyEqual(e, a), $"differs from mediasoup {Reference["mediasoupVersion"]}:\nmediasoup: {e.ToJsonString()}\nours:      {a.ToJsonString()}");
    }

    /// <summary>
    /// mediasoup only receives the dependency descriptor; Parley's SVC consumers send it on, rewritten for the decode
    /// targets they forward, so the router offers it send-receive and it is in every video consumable (and pipe consumer)
    /// parameter set, under its preferred ID 8, in the router's order.
    /// </summary>
    private static JsonNode WithDependencyDescriptorSent(JsonNode reference)
    {
        foreach (var extension in reference["routerRtpCapabilities"]!["headerExtensions"]!.AsArray())
        {
            if (extension!["uri"]!.GetValue<string>() == RtpHeaderExtensionUris.DependencyDescriptor)
            {
                extension["direction"] = "sendrecv";
            }
        }

        foreach (var (_, producer) in reference["producers"]!.AsObject())
        {
            if (producer!["kind"]!.GetValue<string>() != "video")
            {
                continue;
            }

            foreach (var key in new[] { "consumable", "pipeConsumerParameters", "pipeConsumerParametersWithRtx" })
            {
                var extensions = producer[key]!["headerExtensions"]!.AsArray();
                var at = extensions.Select((e, i) => (e, i)).FirstOrDefault(x => x.e!["id"]!.GetValue<int>() > 8, (null, extensions.Count)).Item2;
                extensions.Insert(at, new JsonObject
                {
                    ["uri"] = RtpHeaderExtensionUris.DependencyDescriptor, ["id"] = 8, ["encrypt"] = false, ["parameters"] = new JsonObject(),
                });
            }
        }

        return reference;
    }

    /// <summary>Replaces the router's random SSRCs by a marker, so that their presence still counts.</summary>
    private static JsonNode WithoutRandomSsrcs(JsonNode node)
    {
        var copy = node.DeepClone();
        if (copy["encodings"] is JsonArray encodings && copy["codecs"] is not null)
        {
            foreach (var encoding in encodings.OfType<JsonObject>())
            {
                if (encoding.ContainsKey("ssrc"))
                {
                    encoding["ssrc"] = "random";
                }

                if (encoding["rtx"] is JsonObject rtx && rtx.ContainsKey("ssrc"))
                {
                    rtx["ssrc"] = "random";
                }
            }
        }

        return copy;
    }
}
