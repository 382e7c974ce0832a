using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck.Xunit;
using Parley.Media.Ortc;

namespace Parley.Media.Tests.Ortc;

/// <summary>
/// Captured Chromium JSON with random fields removed or replaced: whatever a client sends, the hub
/// sees either a JSON error or an <see cref="OrtcException"/>, never another exception.
/// </summary>
public sealed class MalformedInputPropertyTests
{
    private static readonly JsonNode?[] Replacements =
    [
        null, 0, -1, 1, 96, 127, 128, 255, 256, 4294967295, 4294967296, 1.5, -0.5, 1e300,
        "", "x", "1", "audio/opus", "video/rtx", "video/H264", "42e01f", "zzzzzz", "L3T3", "L0T0", "recvonly",
        true, false,
    ];

    [Property(MaxTest = 400)]
    public bool Mutated_producer_parameters_fail_only_with_ortc_or_json_errors(int seed)
    {
        var random = new Random(seed);
        var file = OrtcTestData.ProducerFiles[random.Next(OrtcTestData.ProducerFiles.Length)];
        var node = Mutate(JsonNode.Parse(OrtcTestData.ReadText(file))!, random);

        return FailsOnlyAsExpected(() =>
        {
            var router = OrtcTestData.RouterCapabilities();
            var parameters = JsonSerializer.Deserialize<RtpParameters>(node.ToJsonString())!;
            OrtcRules.ValidateRtpParameters(parameters);
            var kind = parameters.Codecs[0].MimeType.StartsWith("audio", StringComparison.OrdinalIgnoreCase) ? MediaKind.Audio : MediaKind.Video;
            var mapping = OrtcRules.GetProducerRtpParametersMapping(parameters, router);
            var consumable = OrtcRules.GetConsumableRtpParameters(kind, parameters, router, mapping);
            if (OrtcRules.CanConsume(consumable, OrtcTestData.DeviceCapabilities()))
            {
                OrtcRules.GetConsumerRtpParameters(consumable, OrtcTestData.DeviceCapabilities());
            }
        });
    }

    [Property(MaxTest = 400)]
    public bool Mutated_device_capabilities_fail_only_with_ortc_or_json_errors(int seed)
    {
        var random = new Random(seed);
        var node = Mutate(JsonNode.Parse(OrtcTestData.ReadText(OrtcTestData.DeviceCapabilitiesFile))!, random);
        var producer = ProducerUnderTest.From(OrtcTestData.ProducerFiles[random.Next(OrtcTestData.ProducerFiles.Length)]);

        return FailsOnlyAsExpected(() =>
        {
            var device = JsonSerializer.Deserialize<RtpCapabilities>(node.ToJsonString())!;
            if (OrtcRules.CanConsume(producer.Consumable, device))
            {
                OrtcRules.GetConsumerRtpParameters(producer.Consumable, device);
            }
        });
    }

    [Property(MaxTest = 200)]
    public bool Mutated_router_media_codecs_fail_only_with_ortc_or_json_errors(int seed)
    {
        var random = new Random(seed);
        var node = Mutate(JsonSerializer.SerializeToNode(RouterDefaults.MediaCodecs)!, random);

        return FailsOnlyAsExpected(() =>
        {
            var codecs = JsonSerializer.Deserialize<List<RtpCodecCapability>>(node.ToJsonString())!;
            OrtcRules.GenerateRouterRtpCapabilities(codecs);
        });
    }

    private static bool FailsOnlyAsExpected(Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (Exception e) when (e is OrtcException or JsonException)
        {
            return true;
        }
    }

    private static JsonNode Mutate(JsonNode root, Random random)
    {
        var mutations = random.Next(1, 4);
        for (var i = 0; i < mutations; i++)
        {
            var all = new List<JsonNode>();
            Collect(root, all);
            var target = all[random.Next(all.Count)];
            switch (target.Parent)
            {
                case JsonObject parent:
                    var name = target.GetPropertyName();
                    if (random.Next(3) == 0)
                    {
                        parent.Remove(name);
                    }
                    else
                    {
                        parent[name] = Replacement(random);
                    }

                    break;
                case JsonArray array:
                    var index = target.GetElementIndex();
                    if (random.Next(3) == 0)
                    {
                        array.RemoveAt(index);
                    }
                    else
                    {
                        array[index] = Replacement(random);
                    }

                    break;
            }
        }

        return root;
    }

    private static JsonNode? Replacement(Random random)
    {
        var value = Replacements[random.Next(Replacements.Length)];
        return value?.DeepClone();
    }

    private static void Collect(JsonNode? node, List<JsonNode> all)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    if (child is not null)
                    {
                        all.Add(child);
                        Collect(child, all);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    if (child is not null)
                    {
                        all.Add(child);
                        Collect(child, all);
                    }
                }

                break;
        }
    }
}
