using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR;
using Parley.Media.Dtls;
using Parley.Media.Ortc;
using Parley.Server.RoomMedia;

namespace Parley.Server.Hubs;

/// <summary>Reads the media methods' arguments; anything malformed is a <see cref="HubException"/> naming the method and field.</summary>
internal static class MediaPayload
{
    /// <summary>
    /// <c>appData</c> is relayed to everyone in the room with each producer, so it is kept small: at most this many
    /// bytes as compact JSON (the client's <c>{source}</c> is about 20).
    /// </summary>
    public const int MaxAppDataBytes = 1024;

    public static bool RequireBool(JsonElement argument, string method, string field)
    {
        HubPayload.RequireObject(argument, method);
        return HubPayload.OptionalBool(argument, method, field) ?? throw new HubException($"{method}: {field} is required");
    }

    public static DtlsParameters ReadDtlsParameters(JsonElement argument, string method)
    {
        var parameters = ReadObject<DtlsParameters>(argument, method, "dtlsParameters");
        if (parameters.Fingerprints is not { Count: > 0 } fingerprints
            || fingerprints.Any(f => f is null || string.IsNullOrEmpty(f.Algorithm) || string.IsNullOrEmpty(f.Value)))
        {
            throw new HubException($"{method}: dtlsParameters.fingerprints must list at least one {{algorithm, value}}");
        }

        foreach (var fingerprint in fingerprints)
        {
            if (!DtlsFingerprint.SupportedAlgorithms.Contains(fingerprint.Algorithm, StringComparer.OrdinalIgnoreCase))
            {
                throw new HubException(
                    $"{method}: dtlsParameters.fingerprints: the algorithm \"{Shorten(fingerprint.Algorithm)}\" is not supported; use one of {string.Join(", ", DtlsFingerprint.SupportedAlgorithms)} (RFC 8122)");
            }
        }

        return parameters;
    }

    public static RtpCapabilities ReadRtpCapabilities(JsonElement argument, string method)
    {
        var capabilities = ReadObject<RtpCapabilities>(argument, method, "rtpCapabilities");
        try
        {
            OrtcRules.ValidateRtpCapabilities(capabilities);
        }
        catch (Exception e) when (e is OrtcException or ArgumentException or InvalidOperationException or NullReferenceException)
        {
            // NullReferenceException: a null inside a list that the validator does not expect.
            throw new HubException($"{method}: rtpCapabilities: {e.Message}");
        }

        return capabilities;
    }

    public static ProduceRequest ReadProduce(JsonElement argument)
    {
        const string method = "produce";
        var transportId = HubPayload.RequireId(argument, method, "transportId");
        var kind = RequireString(argument, method, "kind") switch
        {
            "audio" => MediaKind.Audio,
            "video" => MediaKind.Video,
            _ => throw new HubException($"{method}: kind must be \"audio\" or \"video\""),
        };
        var rtpParameters = ReadObject<RtpParameters>(argument, method, "rtpParameters");
        if (!argument.TryGetProperty("appData", out var appDataElement) || appDataElement.ValueKind != JsonValueKind.Object)
        {
            throw new HubException($"{method}: appData must be an object with a source");
        }

        var appData = JsonNode.Parse(appDataElement.GetRawText())!.AsObject();
        var size = System.Text.Encoding.UTF8.GetByteCount(appData.ToJsonString());
        if (size > MaxAppDataBytes)
        {
            throw new HubException($"{method}: appData is {size} bytes as JSON; the limit is {MaxAppDataBytes} (it is relayed to everyone in the room)");
        }

        var sourceName = appDataElement.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String
            ? HubPayload.RequireText(s, method, "appData.source")
            : null;
        if (!MediaSources.TryParse(sourceName, out var source))
        {
            throw new HubException($"{method}: appData.source must be \"mic\", \"cam\", \"screen\" or \"screenAudio\"");
        }

        return new ProduceRequest(transportId, kind, rtpParameters, source, appData);
    }

    public static StatsRequest ReadStats(JsonElement argument)
    {
        const string method = "getStats";
        HubPayload.RequireObject(argument, method);
        string? Optional(string field) =>
            argument.TryGetProperty(field, out var v) && v.ValueKind != JsonValueKind.Null ? HubPayload.RequireId(argument, method, field) : null;

        var request = new StatsRequest(Optional("transportId"), Optional("producerId"), Optional("consumerId"));
        var given = (request.TransportId is null ? 0 : 1) + (request.ProducerId is null ? 0 : 1) + (request.ConsumerId is null ? 0 : 1);
        return given == 1 ? request : throw new HubException($"{method}: give exactly one of transportId, producerId, consumerId");
    }

    public static int RequireLayer(JsonElement argument, string method, string field) =>
        OptionalLayer(argument, method, field) ?? throw new HubException($"{method}: {field} is required");

    public static int? OptionalLayer(JsonElement argument, string method, string field)
    {
        HubPayload.RequireObject(argument, method);
        if (!argument.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var layer) && layer is >= 0 and <= 15
            ? layer
            : throw new HubException($"{method}: {field} must be a whole number from 0 to 15");
    }

    private static string RequireString(JsonElement argument, string method, string field) =>
        argument.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
            ? HubPayload.RequireText(value, method, field)
            : throw new HubException($"{method}: {field} is required (a string)");

    private static string Shorten(string value) => value.Length <= 32 ? value : value[..32] + "…";

    private static T ReadObject<T>(JsonElement argument, string method, string field)
        where T : class
    {
        HubPayload.RequireObject(argument, method);
        if (!argument.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.Object)
        {
            throw new HubException($"{method}: {field} is required (an object)");
        }

        try
        {
            return value.Deserialize<T>() ?? throw new HubException($"{method}: {field} is required (an object)");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new HubException($"{method}: {field} is malformed: {e.Message}");
        }
    }
}
