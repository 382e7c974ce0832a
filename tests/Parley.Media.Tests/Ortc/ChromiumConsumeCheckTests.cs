using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Media.Ortc;

namespace Parley.Media.Tests.Ortc;

/// <summary>
/// Our consumer parameters for each captured producer are checked in as <c>consumer-*.json</c>, and
/// tools/capture-rtp/verify-consume.mjs fed them to mediasoup-client's <c>recvTransport.consume()</c>
/// in Chromium, recording the outcome in <c>chromium-consume-check.json</c>. These tests keep the
/// checked-in consumer parameters equal to what the code computes now (SSRCs and made-up CNAMEs aside, which are random),
/// and read what Chromium did with them. PARLEY_UPDATE_TESTDATA=1 rewrites the consumer files; run
/// verify-consume.mjs after that.
/// </summary>
public sealed class ChromiumConsumeCheckTests
{
    public static TheoryData<string> ProducerFiles => new(OrtcTestData.ProducerFiles);

    [Theory]
    [MemberData(nameof(ProducerFiles))]
    public void Checked_in_consumer_parameters_are_what_the_code_computes(string producerFile)
    {
        var producer = ProducerUnderTest.From(producerFile);
        var consumer = OrtcRules.GetConsumerRtpParameters(producer.Consumable, OrtcTestData.DeviceCapabilities());
        var computed = new JsonObject
        {
            ["kind"] = producer.Kind == MediaKind.Audio ? "audio" : "video",
            ["rtpParameters"] = JsonSerializer.SerializeToNode(consumer),
        };

        var path = OrtcTestData.PathOf(ConsumerFileOf(producerFile));
        if (Environment.GetEnvironmentVariable("PARLEY_UPDATE_TESTDATA") == "1")
        {
            File.WriteAllText(path, computed.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }

        var checkedIn = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.True(
            OrtcTestData.SemanticallyEqual(WithoutRandomValues(computed), WithoutRandomValues(checkedIn)),
            $"{path} is stale; rerun with PARLEY_UPDATE_TESTDATA=1, then node tools/capture-rtp/verify-consume.mjs");
    }

    [Theory]
    [MemberData(nameof(ProducerFiles))]
    public void Chromium_accepted_our_consumer_parameters(string producerFile)
    {
        var consumerFile = ConsumerFileOf(producerFile);
        var check = JsonNode.Parse(OrtcTestData.ReadText("chromium-consume-check.json"))!;
        var result = check["results"]!.AsArray().SingleOrDefault(r => r!["file"]!.GetValue<string>() == consumerFile)
            ?? throw new Xunit.Sdk.XunitException($"{consumerFile} was not checked in Chromium; run verify-consume.mjs");

        Assert.True(result["accepted"]!.GetValue<bool>(), $"Chromium refused {consumerFile}: {result["error"]}");

        // Chromium's receiver uses the media payload type we sent, and only extension ids we sent
        // (it ignores the ones it does not implement for the kind, such as playout-delay on audio).
        var sent = JsonNode.Parse(OrtcTestData.ReadText(consumerFile))!["rtpParameters"]!;
        Assert.Equal(sent["codecs"]![0]!["payloadType"]!.GetValue<int>(), result["receiverCodecs"]![0]!["payloadType"]!.GetValue<int>());
        var sentExtensions = sent["headerExtensions"]!.AsArray().Select(e => (e!["id"]!.GetValue<int>(), e["uri"]!.GetValue<string>())).ToHashSet();
        var receiverExtensions = result["receiverHeaderExtensions"]!.AsArray().Select(e => (e!["id"]!.GetValue<int>(), e["uri"]!.GetValue<string>())).ToList();
        Assert.NotEmpty(receiverExtensions);
        Assert.All(receiverExtensions, e => Assert.Contains(e, sentExtensions));
    }

    private static string ConsumerFileOf(string producerFile) => producerFile.Replace("chromium-produce-", "consumer-", StringComparison.Ordinal);

    private static JsonNode WithoutRandomValues(JsonNode node)
    {
        var copy = node.DeepClone();
        copy["rtpParameters"]!["rtcp"]!.AsObject().Remove("cname");
        foreach (var encoding in copy["rtpParameters"]!["encodings"]!.AsArray())
        {
            encoding!.AsObject().Remove("ssrc");
            encoding["rtx"]?.AsObject().Remove("ssrc");
        }

        return copy;
    }
}
