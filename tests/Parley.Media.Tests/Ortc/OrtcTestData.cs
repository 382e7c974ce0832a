using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Media.Ortc;

namespace Parley.Media.Tests.Ortc;

/// <summary>
/// The checked-in JSON under <c>TestData/</c>: what <c>tools/capture-rtp</c> recorded from Chromium
/// running the real mediasoup-client against our router capabilities.
/// </summary>
internal static class OrtcTestData
{
    public const string RouterCapabilitiesFile = "routerRtpCapabilities.json";
    public const string DeviceCapabilitiesFile = "chromium-device-rtpCapabilities.json";
    public const string AudioOpusFile = "chromium-produce-audio-opus.json";
    public const string Vp8SimulcastFile = "chromium-produce-video-vp8-simulcast.json";
    public const string Vp9SvcFile = "chromium-produce-video-vp9-svc.json";
    public const string H264File = "chromium-produce-video-h264.json";

    public static readonly string[] ProducerFiles = [AudioOpusFile, Vp8SimulcastFile, Vp9SvcFile, H264File];

    public static string PathOf(string fileName) => Path.Combine(Directory(), "TestData", fileName);

    public static string ReadText(string fileName) => File.ReadAllText(PathOf(fileName));

    public static T Read<T>(string fileName) =>
        JsonSerializer.Deserialize<T>(ReadText(fileName)) ?? throw new InvalidDataException($"{fileName} holds null");

    public static RtpCapabilities DeviceCapabilities() => Read<RtpCapabilities>(DeviceCapabilitiesFile);

    public static RtpParameters Producer(string fileName)
    {
        var parameters = Read<RtpParameters>(fileName);
        OrtcRules.ValidateRtpParameters(parameters);
        return parameters;
    }

    public static RtpCapabilities RouterCapabilities() => OrtcRules.GenerateRouterRtpCapabilities(RouterDefaults.MediaCodecs);

    /// <summary>Compares two JSON documents ignoring property order and number spelling (1 vs 1.0).</summary>
    public static bool SemanticallyEqual(JsonNode? a, JsonNode? b)
    {
        switch (a, b)
        {
            case (null, null):
                return true;
            case (JsonObject oa, JsonObject ob):
                return oa.Count == ob.Count && oa.All(p => ob.TryGetPropertyValue(p.Key, out var v) && SemanticallyEqual(p.Value, v));
            case (JsonArray aa, JsonArray ab):
                return aa.Count == ab.Count && aa.Zip(ab).All(pair => SemanticallyEqual(pair.First, pair.Second));
            case (JsonValue va, JsonValue vb):
                // A value built in code is not backed by a JsonElement; go through its JSON text.
                var ea = JsonSerializer.SerializeToElement(va);
                var eb = JsonSerializer.SerializeToElement(vb);
                if (ea.ValueKind == JsonValueKind.Number && eb.ValueKind == JsonValueKind.Number)
                {
                    return ea.GetDouble() == eb.GetDouble();
                }

                if (ea.ValueKind == JsonValueKind.String && eb.ValueKind == JsonValueKind.String)
                {
                    return ea.GetString() == eb.GetString();
                }

                return ea.ValueKind == eb.ValueKind && ea.GetRawText() == eb.GetRawText();
            default:
                return false;
        }
    }

    private static string Directory([CallerFilePath] string sourceFile = "") =>
        Path.GetDirectoryName(sourceFile) ?? throw new InvalidOperationException("no caller file path");
}
