using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parley.Server.Tests.Hubs;

/// <summary>
/// Chromium-captured mediasoup-client parameters (copied from Parley.Media.Tests' Ortc test data): what a real browser
/// sends to <c>produce</c>, and a real device's RTP capabilities for <c>consume</c>.
/// </summary>
internal static class MediaTestData
{
    public static JsonNode OpusProducer() => Read("chromium-produce-audio-opus.json");

    public static JsonNode H264Producer() => Read("chromium-produce-video-h264.json");

    public static JsonNode Vp8SimulcastProducer() => Read("chromium-produce-video-vp8-simulcast.json");

    public static JsonNode DeviceCapabilities() => Read("chromium-device-rtpCapabilities.json");

    private static JsonNode Read(string fileName) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Directory(), "..", "TestData", fileName)))!;

    private static string Directory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    public static JsonElement ToElement(this JsonNode node) => JsonSerializer.SerializeToElement(node);
}
