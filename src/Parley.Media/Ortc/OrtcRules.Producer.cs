using System.Security.Cryptography;

namespace Parley.Media.Ortc;

public static partial class OrtcRules
{
    /// <summary>
    /// Maps a producer's RTP parameters onto the router's capabilities: each media codec to the
    /// router codec it strictly matches (H264 packetization-mode and profile, VP9 profile-id), each
    /// RTX codec to the router's RTX codec for that media codec, and each encoding to a fresh SSRC.
    /// As in mediasoup, an H264 codec's <c>profile-level-id</c> in <paramref name="parameters"/> is
    /// updated in place to the negotiated one.
    /// </summary>
    /// <param name="parameters">The producer's parameters, already through <see cref="ValidateRtpParameters"/>.</param>
    /// <param name="caps">The router's capabilities.</param>
    /// <exception cref="OrtcException">A codec is not supported by the router, an RTX codec has no media codec, or there is no encoding.</exception>
    public static RtpMapping GetProducerRtpParametersMapping(RtpParameters parameters, RtpCapabilities caps)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(caps);

        var mapping = new RtpMapping();
        var capCodecOf = new Dictionary<RtpCodecParameters, RtpCodecCapability>(ReferenceEqualityComparer.Instance);

        foreach (var codec in parameters.Codecs)
        {
            if (CodecMatcher.IsRtx(codec))
            {
                continue;
            }

            var capCodec = caps.Codecs.Find(c => CodecMatcher.Matches(codec, c, strict: true, modifyA: true))
                ?? throw OrtcException.Unsupported($"unsupported codec [mimeType:{codec.MimeType}, payloadType:{codec.PayloadType}]");
            capCodecOf[codec] = capCodec;
            mapping.Codecs.Add(new RtpCodecMapping(codec.PayloadType, capCodec.PreferredPayloadType!.Value));
        }

        if (mapping.Codecs.Count == 0)
        {
            throw new OrtcException("rtpParameters.codecs has no media codec");
        }

        foreach (var codec in parameters.Codecs)
        {
            if (!CodecMatcher.IsRtx(codec))
            {
                continue;
            }

            var media = parameters.Codecs.Find(c => !CodecMatcher.IsRtx(c) && codec.Parameters.TryGetValue("apt", out var apt) && apt == c.PayloadType)
                ?? throw new OrtcException($"missing media codec found for RTX payloadType {codec.PayloadType}");
            var capMedia = capCodecOf[media];
            var capRtx = caps.Codecs.Find(c => CodecMatcher.IsRtx(c) && c.Parameters.TryGetValue("apt", out var apt) && apt == capMedia.PreferredPayloadType!.Value)
                ?? throw OrtcException.Unsupported($"no RTX codec for capability codec payloadType {capMedia.PreferredPayloadType}");
            mapping.Codecs.Add(new RtpCodecMapping(codec.PayloadType, capRtx.PreferredPayloadType!.Value));
        }

        if (parameters.Encodings.Count == 0)
        {
            throw new OrtcException("rtpParameters.encodings is empty");
        }

        var mappedSsrc = GenerateSsrc();
        foreach (var encoding in parameters.Encodings)
        {
            mapping.Encodings.Add(new RtpEncodingMapping(encoding.Ssrc, encoding.Rid, encoding.ScalabilityMode, mappedSsrc++));
        }

        return mapping;
    }

    /// <summary>
    /// The parameters consumers of a producer are built from: the router's payload types and RTCP
    /// feedback with the producer's codec parameters, the router's RTX codecs, the router's header
    /// extensions of this kind that consumers may receive, and the producer's encodings under their
    /// mapped SSRCs.
    /// </summary>
    /// <param name="kind">The producer's media kind.</param>
    /// <param name="parameters">The producer's (validated) parameters.</param>
    /// <param name="caps">The router's capabilities.</param>
    /// <param name="mapping">The result of <see cref="GetProducerRtpParametersMapping"/> for these parameters.</param>
    /// <exception cref="OrtcException">A codec is not of <paramref name="kind"/>, or the mapping does not fit the parameters.</exception>
    public static RtpParameters GetConsumableRtpParameters(MediaKind kind, RtpParameters parameters, RtpCapabilities caps, RtpMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(caps);
        ArgumentNullException.ThrowIfNull(mapping);

        var consumable = new RtpParameters();
        foreach (var codec in parameters.Codecs)
        {
            if (!codec.MimeType.StartsWith(kind == MediaKind.Audio ? "audio/" : "video/", StringComparison.OrdinalIgnoreCase))
            {
                throw new OrtcException($"rtpParameters codec {codec.MimeType} is not of the producer's kind {(kind == MediaKind.Audio ? "audio" : "video")}");
            }

            if (CodecMatcher.IsRtx(codec))
            {
                continue;
            }

            var mappedPayloadType = mapping.Codecs.Find(m => m.PayloadType == codec.PayloadType)?.MappedPayloadType
                ?? throw new OrtcException($"mapping has no entry for payloadType {codec.PayloadType}");
            var capCodec = caps.Codecs.Find(c => c.PreferredPayloadType == mappedPayloadType)
                ?? throw new OrtcException($"router capabilities have no codec with payloadType {mappedPayloadType}");

            consumable.Codecs.Add(new RtpCodecParameters
            {
                MimeType = capCodec.MimeType,
                PayloadType = mappedPayloadType,
                ClockRate = capCodec.ClockRate,
                Channels = capCodec.Channels,
                Parameters = new Dictionary<string, RtpParameterValue>(codec.Parameters),
                RtcpFeedback = capCodec.RtcpFeedback.ConvertAll(fb => fb.Clone()),
            });

            var capRtx = caps.Codecs.Find(c => CodecMatcher.IsRtx(c) && c.Parameters.TryGetValue("apt", out var apt) && apt == mappedPayloadType);
            if (capRtx is not null)
            {
                consumable.Codecs.Add(new RtpCodecParameters
                {
                    MimeType = capRtx.MimeType,
                    PayloadType = capRtx.PreferredPayloadType!.Value,
                    ClockRate = capRtx.ClockRate,
                    Parameters = new Dictionary<string, RtpParameterValue>(capRtx.Parameters),
                    RtcpFeedback = capRtx.RtcpFeedback.ConvertAll(fb => fb.Clone()),
                });
            }
        }

        foreach (var capExt in caps.HeaderExtensions)
        {
            if (capExt.Kind != kind
                || (capExt.Direction != RtpHeaderExtensionDirection.SendRecv && capExt.Direction != RtpHeaderExtensionDirection.SendOnly))
            {
                continue;
            }

            consumable.HeaderExtensions.Add(new RtpHeaderExtensionParameters
            {
                Uri = capExt.Uri,
                Id = capExt.PreferredId,
                Encrypt = capExt.PreferredEncrypt,
            });
        }

        if (mapping.Encodings.Count != parameters.Encodings.Count)
        {
            throw new OrtcException("mapping.encodings does not match rtpParameters.encodings");
        }

        for (var i = 0; i < parameters.Encodings.Count; i++)
        {
            var encoding = parameters.Encodings[i].Clone();
            encoding.Rid = null;
            encoding.Rtx = null;
            encoding.CodecPayloadType = null;
            encoding.Ssrc = mapping.Encodings[i].MappedSsrc;
            consumable.Encodings.Add(encoding);
        }

        consumable.Rtcp = new RtcpParameters { Cname = parameters.Rtcp?.Cname, ReducedSize = true };
        return consumable;
    }

    /// <summary>
    /// Gives a producer the RTCP CNAME of its transport, as mediasoup does: all producers of one
    /// transport share one CNAME (so the receiver lip-syncs them), taken from the first producer that
    /// brings one, or made up when none does. Browsers leave it empty for RID-only simulcast, and
    /// mediasoup-client refuses to consume a stream with an empty CNAME (it becomes the msid stream id).
    /// </summary>
    /// <param name="parameters">The producer's parameters; their <c>rtcp.cname</c> is set.</param>
    /// <param name="transportCname">The CNAME the transport already uses for its producers, or null for its first producer.</param>
    /// <returns>The CNAME the transport uses from now on.</returns>
    public static string AssignProducerCname(RtpParameters parameters, string? transportCname)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Rtcp ??= new RtcpParameters();
        var cname = !string.IsNullOrEmpty(transportCname) ? transportCname
            : !string.IsNullOrEmpty(parameters.Rtcp.Cname) ? parameters.Rtcp.Cname
            : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        parameters.Rtcp.Cname = cname;
        return cname;
    }

    /// <summary>A random SSRC in mediasoup's range (nine decimal digits), never 0.</summary>
    internal static uint GenerateSsrc() => (uint)RandomNumberGenerator.GetInt32(100_000_000, 1_000_000_000);
}
