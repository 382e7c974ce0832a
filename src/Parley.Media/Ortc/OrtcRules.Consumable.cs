namespace Parley.Media.Ortc;

public static partial class OrtcRules
{
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
    internal static RtpParameters GetConsumableRtpParameters(MediaKind kind, RtpParameters parameters, RtpCapabilities caps, RtpMapping mapping)
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
}
