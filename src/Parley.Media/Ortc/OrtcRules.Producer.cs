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
    internal static RtpMapping GetProducerRtpParametersMapping(RtpParameters parameters, RtpCapabilities caps)
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
                ?? throw new OrtcException($"rtpParameters RTX codec payloadType {codec.PayloadType} has no media codec");
            var capMedia = capCodecOf[media];
            var capRtx = caps.Codecs.Find(c => CodecMatcher.IsRtx(c) && c.Parameters.TryGetValue("apt", out var apt) && apt == capMedia.PreferredPayloadType!.Value)
                ?? throw OrtcException.Unsupported($"no RTX codec for capability codec payloadType {capMedia.PreferredPayloadType}");
            mapping.Codecs.Add(new RtpCodecMapping(codec.PayloadType, capRtx.PreferredPayloadType!.Value));
        }

        if (parameters.Encodings.Count == 0)
        {
            throw new OrtcException("rtpParameters.encodings is empty");
        }

        var mappedSsrc = SsrcGenerator.Next();
        foreach (var encoding in parameters.Encodings)
        {
            mapping.Encodings.Add(new RtpEncodingMapping(encoding.Ssrc, encoding.Rid, encoding.ScalabilityMode, mappedSsrc++));
        }

        return mapping;
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
    internal static string AssignProducerCname(RtpParameters parameters, string? transportCname)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Rtcp ??= new RtcpParameters();
        var cname = !string.IsNullOrEmpty(transportCname) ? transportCname
            : !string.IsNullOrEmpty(parameters.Rtcp.Cname) ? parameters.Rtcp.Cname
            : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        parameters.Rtcp.Cname = cname;
        return cname;
    }
}
