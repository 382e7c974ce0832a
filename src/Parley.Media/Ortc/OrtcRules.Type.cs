namespace Parley.Media.Ortc;

public static partial class OrtcRules
{
    /// <summary>
    /// The type of a producer's RTP, as mediasoup's worker decides it: several encodings are
    /// simulcast; one encoding with more than one layer is SVC for codecs that have it (VP9, AV1) and
    /// simulcast for codecs whose temporal layers a simulcast consumer can drop (VP8, H264); one
    /// encoding without layers is simple.
    /// </summary>
    /// <exception cref="OrtcException">There is no encoding, or the codec cannot carry the layers asked for.</exception>
    internal static RtpParametersType GetRtpParametersType(RtpParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Encodings.Count > 1)
        {
            return RtpParametersType.Simulcast;
        }

        if (parameters.Encodings.Count == 0)
        {
            throw new OrtcException("rtpParameters.encodings is empty");
        }

        var encoding = parameters.Encodings[0];
        var layers = ScalabilityMode.Parse(encoding.ScalabilityMode);
        if (layers.SpatialLayers == 1 && layers.TemporalLayers == 1)
        {
            return RtpParametersType.Simple;
        }

        var codec = CodecOf(parameters, encoding);
        if (IsAnyMimeType(codec, "video/VP9", "video/AV1"))
        {
            return RtpParametersType.Svc;
        }

        if (IsAnyMimeType(codec, "video/VP8", "video/H264"))
        {
            return RtpParametersType.Simulcast;
        }

        throw OrtcException.Unsupported($"{codec.MimeType} cannot carry scalabilityMode {encoding.ScalabilityMode}");
    }

    /// <summary>The codec an encoding uses: the one it names, else the first media codec.</summary>
    private static RtpCodecParameters CodecOf(RtpParameters parameters, RtpEncodingParameters encoding)
    {
        var codec = encoding.CodecPayloadType is { } pt
            ? parameters.Codecs.Find(c => c.PayloadType == pt)
            : parameters.Codecs.Find(c => !CodecMatcher.IsRtx(c));
        return codec ?? throw new OrtcException("rtpParameters has no media codec for its encoding");
    }

    private static bool IsAnyMimeType(RtpCodecParameters codec, params ReadOnlySpan<string> mimeTypes)
    {
        foreach (var mimeType in mimeTypes)
        {
            if (string.Equals(codec.MimeType, mimeType, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
