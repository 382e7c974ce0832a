namespace Parley.Media.Ortc;

public static partial class OrtcRules
{
    /// <summary>
    /// The router's RTP capabilities for its media codecs: each media codec matched against
    /// <see cref="SupportedRtpCapabilities"/>, given its own preferred payload type or the next free
    /// dynamic one (100-127, then 96-99), followed for video by a <c>video/rtx</c> codec whose
    /// <c>apt</c> names it; and every supported header extension.
    /// </summary>
    /// <exception cref="OrtcException">A media codec is malformed or not supported, or payload types run out or clash.</exception>
    public static RtpCapabilities GenerateRouterRtpCapabilities(IEnumerable<RtpCodecCapability> mediaCodecs)
    {
        ArgumentNullException.ThrowIfNull(mediaCodecs);
        var supported = SupportedRtpCapabilities.Get();
        var freePayloadTypes = new List<int>(DynamicPayloadTypes);
        var caps = new RtpCapabilities { HeaderExtensions = supported.HeaderExtensions };

        var index = 0;
        foreach (var given in mediaCodecs)
        {
            var path = $"mediaCodecs[{index++}]";
            var mediaCodec = given?.Clone()!;
            ValidateRtpCodecCapability(mediaCodec, path);

            var match = supported.Codecs.Find(s => CodecMatcher.Matches(mediaCodec, s, strict: false))
                ?? throw OrtcException.Unsupported($"{path}: media codec not supported [mimeType:{mediaCodec.MimeType}]");
            var codec = match.Clone();

            if (mediaCodec.PreferredPayloadType is { } preferred)
            {
                codec.PreferredPayloadType = preferred;
                freePayloadTypes.Remove(preferred);
            }
            else
            {
                codec.PreferredPayloadType ??= TakePayloadType(freePayloadTypes);
            }

            if (caps.Codecs.Exists(c => c.PreferredPayloadType == codec.PreferredPayloadType))
            {
                throw new OrtcException($"{path}.preferredPayloadType {codec.PreferredPayloadType} is used by another codec");
            }

            foreach (var (key, value) in mediaCodec.Parameters)
            {
                codec.Parameters[key] = value;
            }

            caps.Codecs.Add(codec);

            if (codec.Kind == MediaKind.Video)
            {
                caps.Codecs.Add(new RtpCodecCapability
                {
                    Kind = MediaKind.Video,
                    MimeType = "video/rtx",
                    PreferredPayloadType = TakePayloadType(freePayloadTypes),
                    ClockRate = codec.ClockRate,
                    Parameters = { ["apt"] = codec.PreferredPayloadType!.Value },
                });
            }
        }

        return caps;
    }

    private static int TakePayloadType(List<int> free)
    {
        if (free.Count == 0)
        {
            throw OrtcException.Unsupported("cannot allocate more dynamic codec payload types");
        }

        var pt = free[0];
        free.RemoveAt(0);
        return pt;
    }
}
