using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Parley.Media.Ortc;

/// <summary>
/// mediasoup's ORTC rules: validation of capabilities and parameters from clients, the router's
/// capabilities, and the mapping from a producer's RTP through the router to each consumer's.
/// Named <c>OrtcRules</c> rather than <c>Ortc</c> so that it never collides with the namespace.
/// </summary>
public static partial class OrtcRules
{
    /// <summary>Dynamic RTP payload types (RFC 3551 §6), in the order the router hands them out.</summary>
    internal static readonly int[] DynamicPayloadTypes =
    [
        100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113,
        114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127,
        96, 97, 98, 99,
    ];

    [GeneratedRegex("^(audio|video)/.+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MimeTypeRegex();

    /// <summary>
    /// Checks RTP capabilities (a device's <c>rtpCapabilities</c>, or a router's) and fills defaults in
    /// place as mediasoup does: empty lists for absent ones, one channel for audio codecs.
    /// </summary>
    /// <exception cref="OrtcException">A field is malformed; the message names it.</exception>
    public static void ValidateRtpCapabilities(RtpCapabilities caps)
    {
        Require(caps is not null, "rtpCapabilities is missing");
        caps!.Codecs ??= [];
        caps.HeaderExtensions ??= [];

        for (var i = 0; i < caps.Codecs.Count; i++)
        {
            ValidateRtpCodecCapability(caps.Codecs[i], $"rtpCapabilities.codecs[{i}]");
        }

        var payloadTypes = new HashSet<int>();
        for (var i = 0; i < caps.Codecs.Count; i++)
        {
            var codec = caps.Codecs[i];
            if (codec.PreferredPayloadType is { } pt)
            {
                Require(payloadTypes.Add(pt), $"rtpCapabilities.codecs[{i}].preferredPayloadType {pt} is used by another codec");
            }
        }

        for (var i = 0; i < caps.Codecs.Count; i++)
        {
            var codec = caps.Codecs[i];
            if (CodecMatcher.IsRtx(codec))
            {
                var apt = codec.Parameters["apt"].TryGetInt32(out var value) ? value : -1;
                Require(
                    caps.Codecs.Exists(c => !CodecMatcher.IsRtx(c) && c.Kind == codec.Kind && c.PreferredPayloadType == apt),
                    $"rtpCapabilities.codecs[{i}].parameters.apt {apt} points to no {Lower(codec.Kind)} media codec");
            }
        }

        var extensions = new Dictionary<(MediaKind, int), string>();
        for (var i = 0; i < caps.HeaderExtensions.Count; i++)
        {
            var path = $"rtpCapabilities.headerExtensions[{i}]";
            var ext = caps.HeaderExtensions[i];
            ValidateRtpHeaderExtension(ext, path);
            if (extensions.TryGetValue((ext.Kind, ext.PreferredId), out var uri))
            {
                Require(uri == ext.Uri, $"{path}.preferredId {ext.PreferredId} is used by another {Lower(ext.Kind)} extension ({uri})");
            }
            else
            {
                extensions.Add((ext.Kind, ext.PreferredId), ext.Uri);
            }
        }
    }

    /// <summary>
    /// Checks one codec capability (also a router media codec), whose kind must agree with its MIME
    /// type, and fills defaults in place: channels 1 for audio and none for video, empty parameters and feedback.
    /// </summary>
    /// <exception cref="OrtcException">A field is malformed; the message names it.</exception>
    internal static void ValidateRtpCodecCapability(RtpCodecCapability codec, string path = "codec")
    {
        Require(codec is not null, $"{path} is missing");
        var kind = ValidateMimeType(codec!.MimeType, path);
        Require(codec.Kind == kind, $"{path}.kind is {Lower(codec.Kind)} but mimeType {codec.MimeType} is {Lower(kind)}");
        if (codec.PreferredPayloadType is { } pt)
        {
            Require(pt is >= 0 and <= 127, $"{path}.preferredPayloadType {pt} is not in 0-127");
        }

        codec.Channels = ValidateClockRateAndChannels(codec.ClockRate, codec.Channels, kind, path);
        codec.Parameters ??= [];
        codec.RtcpFeedback ??= [];
        ValidateCodecParameters(codec.Parameters, CodecMatcher.IsRtx(codec), path);
        ValidateRtcpFeedback(codec.RtcpFeedback, path);
    }

    /// <summary>Checks one header extension capability; a missing direction means <c>sendrecv</c>.</summary>
    /// <exception cref="OrtcException">A field is malformed; the message names it.</exception>
    internal static void ValidateRtpHeaderExtension(RtpHeaderExtension ext, string path = "headerExtension")
    {
        Require(ext is not null, $"{path} is missing");
        Require(Enum.IsDefined(ext!.Kind), $"{path}.kind is not audio or video");
        Require(!string.IsNullOrEmpty(ext.Uri), $"{path}.uri is missing");
        Require(ext.PreferredId is >= 1 and <= 255, $"{path}.preferredId {ext.PreferredId} is not in 1-255");
        Require(Enum.IsDefined(ext.Direction), $"{path}.direction is not sendrecv, sendonly, recvonly or inactive");
    }

    /// <summary>
    /// Checks RTP parameters (a producer's from mediasoup-client's <c>produce</c>) and fills defaults in
    /// place as mediasoup does: empty lists, one channel for audio, reduced-size RTCP.
    /// </summary>
    /// <exception cref="OrtcException">A field is malformed; the message names it.</exception>
    public static void ValidateRtpParameters(RtpParameters parameters)
    {
        Require(parameters is not null, "rtpParameters is missing");
        if (parameters!.Codecs is null || parameters.Codecs.Count == 0)
        {
            throw new OrtcException("rtpParameters.codecs is missing or empty");
        }

        parameters.HeaderExtensions ??= [];
        parameters.Encodings ??= [];
        parameters.Rtcp ??= new RtcpParameters();

        var payloadTypes = new HashSet<int>();
        for (var i = 0; i < parameters.Codecs.Count; i++)
        {
            var path = $"rtpParameters.codecs[{i}]";
            var codec = parameters.Codecs[i];
            ValidateRtpCodecParameters(codec, path);
            Require(payloadTypes.Add(codec.PayloadType), $"{path}.payloadType {codec.PayloadType} is used by another codec");
        }

        for (var i = 0; i < parameters.Codecs.Count; i++)
        {
            var codec = parameters.Codecs[i];
            if (CodecMatcher.IsRtx(codec))
            {
                var apt = codec.Parameters["apt"].TryGetInt32(out var value) ? value : -1;
                var kind = KindOf(codec.MimeType);
                Require(
                    parameters.Codecs.Exists(c => !CodecMatcher.IsRtx(c) && KindOf(c.MimeType) == kind && c.PayloadType == apt),
                    $"rtpParameters.codecs[{i}].parameters.apt {apt} points to no {Lower(kind)} media codec");
            }
        }

        var ids = new HashSet<int>();
        for (var i = 0; i < parameters.HeaderExtensions.Count; i++)
        {
            var path = $"rtpParameters.headerExtensions[{i}]";
            var ext = parameters.HeaderExtensions[i];
            ValidateRtpHeaderExtensionParameters(ext, path);
            Require(ids.Add(ext.Id), $"{path}.id {ext.Id} is used by another header extension");
        }

        var rids = new HashSet<string>(StringComparer.Ordinal);
        var ssrcs = new HashSet<uint>();
        for (var i = 0; i < parameters.Encodings.Count; i++)
        {
            var path = $"rtpParameters.encodings[{i}]";
            var encoding = parameters.Encodings[i];
            ValidateRtpEncodingParameters(encoding, path);
            Require(encoding.Rid is null || rids.Add(encoding.Rid), $"{path}.rid {encoding.Rid} is used by another encoding");
            Require(encoding.Ssrc is null || ssrcs.Add(encoding.Ssrc.Value), $"{path}.ssrc {encoding.Ssrc} is used by another encoding");
            Require(
                encoding.CodecPayloadType is null || payloadTypes.Contains(encoding.CodecPayloadType.Value),
                $"{path}.codecPayloadType {encoding.CodecPayloadType} is not a payload type of rtpParameters.codecs");
        }

        // mediasoup always uses reduced-size RTCP towards clients that did not say otherwise.
        parameters.Rtcp.ReducedSize ??= true;
    }

    /// <summary>Checks one codec of RTP parameters and fills defaults in place.</summary>
    /// <exception cref="OrtcException">A field is malformed; the message names it.</exception>
    internal static void ValidateRtpCodecParameters(RtpCodecParameters codec, string path = "codec")
    {
        Require(codec is not null, $"{path} is missing");
        var kind = ValidateMimeType(codec!.MimeType, path);
        Require(codec.PayloadType is >= 0 and <= 127, codec.PayloadType == -1
            ? $"{path}.payloadType is missing"
            : $"{path}.payloadType {codec.PayloadType} is not in 0-127");
        codec.Channels = ValidateClockRateAndChannels(codec.ClockRate, codec.Channels, kind, path);
        codec.Parameters ??= [];
        codec.RtcpFeedback ??= [];
        ValidateCodecParameters(codec.Parameters, CodecMatcher.IsRtx(codec), path);
        ValidateRtcpFeedback(codec.RtcpFeedback, path);
    }

    /// <summary>Checks one header extension of RTP parameters.</summary>
    /// <exception cref="OrtcException">A field is malformed; the message names it.</exception>
    internal static void ValidateRtpHeaderExtensionParameters(RtpHeaderExtensionParameters ext, string path = "headerExtension")
    {
        Require(ext is not null, $"{path} is missing");
        Require(!string.IsNullOrEmpty(ext!.Uri), $"{path}.uri is missing");
        Require(ext.Id is >= 1 and <= 255, $"{path}.id {ext.Id} is not in 1-255");
        ext.Parameters ??= [];
    }

    /// <summary>Checks one encoding of RTP parameters.</summary>
    /// <exception cref="OrtcException">A field is malformed; the message names it.</exception>
    internal static void ValidateRtpEncodingParameters(RtpEncodingParameters encoding, string path = "encoding")
    {
        Require(encoding is not null, $"{path} is missing");
        Require(encoding!.Rid is null || encoding.Rid.Length > 0, $"{path}.rid is empty");
        Require(encoding.Rtx is null || encoding.Rtx.Ssrc != 0, $"{path}.rtx.ssrc is missing");
        Require(
            encoding.ScalabilityMode is null || ScalabilityMode.TryParse(encoding.ScalabilityMode, out _),
            $"{path}.scalabilityMode {encoding.ScalabilityMode} is not a scalability mode");
        Require(encoding.MaxBitrate is null or >= 0, $"{path}.maxBitrate {encoding.MaxBitrate} is negative");
        Require(
            encoding.ScaleResolutionDownBy is null || encoding.ScaleResolutionDownBy >= 1,
            $"{path}.scaleResolutionDownBy {encoding.ScaleResolutionDownBy} is less than 1");
        Require(
            encoding.MaxFramerate is null || encoding.MaxFramerate >= 0,
            $"{path}.maxFramerate {encoding.MaxFramerate} is negative");
    }

    private static MediaKind ValidateMimeType(string? mimeType, string path)
    {
        Require(!string.IsNullOrEmpty(mimeType), $"{path}.mimeType is missing");
        Require(MimeTypeRegex().IsMatch(mimeType!), $"{path}.mimeType {mimeType} is not audio/... or video/...");
        return KindOf(mimeType!);
    }

    private static MediaKind KindOf(string mimeType) =>
        mimeType.StartsWith("audio/", StringComparison.OrdinalIgnoreCase) ? MediaKind.Audio : MediaKind.Video;

    private static int? ValidateClockRateAndChannels(int clockRate, int? channels, MediaKind kind, string path)
    {
        Require(clockRate > 0, clockRate == 0 ? $"{path}.clockRate is missing" : $"{path}.clockRate {clockRate} is not positive");
        if (kind == MediaKind.Video)
        {
            return null;
        }

        Require(channels is null or >= 1, $"{path}.channels {channels} is not positive");
        return channels ?? 1;
    }

    private static void ValidateCodecParameters(Dictionary<string, RtpParameterValue> parameters, bool isRtx, string path)
    {
        foreach (var (key, value) in parameters)
        {
            Require(key.Length > 0, $"{path}.parameters has an empty name");
            if (key == "apt")
            {
                // As in mediasoup, apt must be a JSON number: it is compared with payload types.
                Require(value.IsInt32Number && value.TryGetInt32(out var apt) && apt is >= 0 and <= 127,
                    $"{path}.parameters.apt {value} is not a payload type number");
            }
        }

        Require(!isRtx || parameters.ContainsKey("apt"), $"{path}.parameters.apt is missing for an RTX codec");
    }

    private static void ValidateRtcpFeedback(List<RtcpFeedback> feedback, string path)
    {
        for (var i = 0; i < feedback.Count; i++)
        {
            Require(feedback[i] is not null, $"{path}.rtcpFeedback[{i}] is missing");
            Require(!string.IsNullOrEmpty(feedback[i].Type), $"{path}.rtcpFeedback[{i}].type is missing");
        }
    }

    private static string Lower(MediaKind kind) => kind == MediaKind.Audio ? "audio" : "video";

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new OrtcException(message);
        }
    }

    private static void Require(bool condition, [InterpolatedStringHandlerArgument(nameof(condition))] ref FailureMessageHandler message)
    {
        if (!condition)
        {
            throw new OrtcException(message.ToStringAndClear());
        }
    }
}
