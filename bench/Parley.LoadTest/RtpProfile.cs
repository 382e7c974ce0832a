using System.Text.Json.Nodes;

namespace Parley.LoadTest;

/// <summary>
/// What Chromium's mediasoup-client puts into <c>produce</c> (the captured parameters in
/// tests/Parley.Server.Tests/TestData): payload types, header extension ids, and the camera as three RID-only VP8
/// encodings with L1T3. One id per extension across the BUNDLE transport, as Chromium numbers them.
/// </summary>
internal static class RtpProfile
{
    public const byte OpusPayloadType = 111;
    public const byte Vp8PayloadType = 96;
    public const byte RtxPayloadType = 97;

    public const byte AudioLevelId = 1;
    public const byte AbsSendTimeId = 2;
    public const byte TransportWideCcId = 3;
    public const byte MidId = 4;
    public const byte RidId = 10;
    public const byte RepairedRidId = 11;

    public const string AudioMid = "0";
    public const string VideoMid = "1";

    /// <summary>The camera's simulcast encodings, lowest first, as mediasoup-client's usual 1/4, 1/2, full.</summary>
    public static readonly (string Rid, int Bitrate, int ScaleDown)[] Encodings = [("r0", 150_000, 4), ("r1", 500_000, 2), ("r2", 1_200_000, 1)];

    public static JsonObject Audio(uint ssrc, string cname) => new()
    {
        ["mid"] = AudioMid,
        ["codecs"] = new JsonArray(new JsonObject
        {
            ["mimeType"] = "audio/opus", ["payloadType"] = OpusPayloadType, ["clockRate"] = 48000, ["channels"] = 2,
            ["parameters"] = new JsonObject { ["minptime"] = 10, ["useinbandfec"] = 1 },
            ["rtcpFeedback"] = new JsonArray(Feedback("transport-cc", ""), Feedback("nack", "")),
        }),
        ["headerExtensions"] = new JsonArray(
            Extension("urn:ietf:params:rtp-hdrext:sdes:mid", MidId),
            Extension("http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", AbsSendTimeId),
            Extension("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", TransportWideCcId),
            Extension("urn:ietf:params:rtp-hdrext:ssrc-audio-level", AudioLevelId)),
        ["encodings"] = new JsonArray(new JsonObject { ["ssrc"] = ssrc, ["dtx"] = false }),
        ["rtcp"] = new JsonObject { ["cname"] = cname, ["reducedSize"] = true },
    };

    public static JsonObject Video(string cname)
    {
        var encodings = new JsonArray();
        foreach (var (rid, bitrate, scaleDown) in Encodings)
        {
            encodings.Add(new JsonObject
            {
                ["active"] = true, ["scalabilityMode"] = "L1T3", ["scaleResolutionDownBy"] = scaleDown,
                ["maxBitrate"] = bitrate, ["rid"] = rid, ["dtx"] = false,
            });
        }

        return new JsonObject
        {
            ["mid"] = VideoMid,
            ["codecs"] = new JsonArray(
                new JsonObject
                {
                    ["mimeType"] = "video/VP8", ["payloadType"] = Vp8PayloadType, ["clockRate"] = 90000,
                    ["parameters"] = new JsonObject(),
                    ["rtcpFeedback"] = new JsonArray(
                        Feedback("goog-remb", ""), Feedback("transport-cc", ""), Feedback("ccm", "fir"),
                        Feedback("nack", ""), Feedback("nack", "pli")),
                },
                new JsonObject
                {
                    ["mimeType"] = "video/rtx", ["payloadType"] = RtxPayloadType, ["clockRate"] = 90000,
                    ["parameters"] = new JsonObject { ["apt"] = Vp8PayloadType }, ["rtcpFeedback"] = new JsonArray(),
                }),
            ["headerExtensions"] = new JsonArray(
                Extension("urn:ietf:params:rtp-hdrext:sdes:mid", MidId),
                Extension("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", RidId),
                Extension("urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id", RepairedRidId),
                Extension("http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", AbsSendTimeId),
                Extension("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", TransportWideCcId)),
            ["encodings"] = encodings,
            ["rtcp"] = new JsonObject { ["cname"] = cname, ["reducedSize"] = true },
        };
    }

    private static JsonObject Feedback(string type, string parameter) => new() { ["type"] = type, ["parameter"] = parameter };

    private static JsonObject Extension(string uri, byte id) =>
        new() { ["uri"] = uri, ["id"] = id, ["encrypt"] = false, ["parameters"] = new JsonObject() };
}
