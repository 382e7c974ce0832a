namespace Parley.Media.Ortc;

public static partial class OrtcRules
{
    /// <summary>
    /// Whether a device with <paramref name="caps"/> can receive a producer: true when the first
    /// consumable codec the device strictly matches is a media codec (not RTX).
    /// </summary>
    /// <exception cref="OrtcException"><paramref name="caps"/> is malformed.</exception>
    internal static bool CanConsume(RtpParameters consumableParameters, RtpCapabilities caps)
    {
        ArgumentNullException.ThrowIfNull(consumableParameters);
        ValidateRtpCapabilities(caps);

        foreach (var codec in consumableParameters.Codecs)
        {
            if (caps.Codecs.Exists(capCodec => CodecMatcher.Matches(capCodec, codec, strict: true)))
            {
                return !CodecMatcher.IsRtx(codec);
            }
        }

        return false;
    }

    /// <summary>
    /// The RTP parameters of one consumer: the consumable codecs the device strictly matches, with
    /// the device's RTCP feedback; RTX only when its media codec survives; header extensions the device
    /// has under the same id; transport-cc preferred over REMB when both are possible; and, unless
    /// <paramref name="pipe"/>, a single encoding with a fresh SSRC (+1 for RTX), the producer's
    /// highest maxBitrate, and for simulcast a scalability mode <c>L{streams}T{temporal layers}</c>.
    /// </summary>
    /// <param name="consumableParameters">The producer's consumable parameters.</param>
    /// <param name="remoteCaps">The consuming device's <c>rtpCapabilities</c>.</param>
    /// <param name="pipe">True for a consumer that pipes to another router: all encodings are kept.</param>
    /// <param name="enableRtx">False to drop RTX and plain NACK.</param>
    /// <param name="parametersReachReceiverAsGiven">
    /// True when the receiver is told the consumer's parameters as they are (a PlainTransport's application); false
    /// when they reach it as an SDP offer written by mediasoup-client, which cannot write RED's format parameters
    /// (see <see cref="KeepsRed"/>).
    /// </param>
    /// <exception cref="OrtcException"><paramref name="remoteCaps"/> is malformed or shares no media codec.</exception>
    internal static RtpParameters GetConsumerRtpParameters(
        RtpParameters consumableParameters,
        RtpCapabilities remoteCaps,
        bool pipe = false,
        bool enableRtx = true,
        bool parametersReachReceiverAsGiven = false)
    {
        ArgumentNullException.ThrowIfNull(consumableParameters);
        ValidateRtpCapabilities(remoteCaps);

        var consumer = new RtpParameters { Rtcp = consumableParameters.Rtcp.Clone() };

        foreach (var consumableCodec in consumableParameters.Codecs)
        {
            if (!enableRtx && CodecMatcher.IsRtx(consumableCodec))
            {
                continue;
            }

            var capCodec = remoteCaps.Codecs.Find(c => CodecMatcher.Matches(c, consumableCodec, strict: true));
            if (capCodec is null)
            {
                continue;
            }

            var codec = consumableCodec.Clone();
            codec.RtcpFeedback = capCodec.RtcpFeedback
                .Where(fb => enableRtx || fb.Type != "nack" || !string.IsNullOrEmpty(fb.Parameter))
                .Select(fb => fb.Clone())
                .ToList();
            consumer.Codecs.Add(codec);
        }

        if (!KeepsRed(consumer, consumableParameters, pipe || parametersReachReceiverAsGiven))
        {
            consumer.Codecs.RemoveAll(IsRed);
        }

        // An RTX codec whose media codec was not kept is useless.
        var rtxSupported = false;
        consumer.Codecs.RemoveAll(codec =>
        {
            if (!CodecMatcher.IsRtx(codec))
            {
                return false;
            }

            var hasMedia = consumer.Codecs.Exists(m => !CodecMatcher.IsRtx(m) && codec.Parameters.TryGetValue("apt", out var apt) && apt == m.PayloadType);
            rtxSupported |= hasMedia;
            return !hasMedia;
        });

        if (consumer.Codecs.Count == 0 || CodecMatcher.IsRtx(consumer.Codecs[0]))
        {
            throw OrtcException.Unsupported("no compatible media codecs");
        }

        consumer.HeaderExtensions = consumableParameters.HeaderExtensions
            .Where(ext => remoteCaps.HeaderExtensions.Exists(capExt => capExt.PreferredId == ext.Id && capExt.Uri == ext.Uri))
            .Select(ext => ext.Clone())
            .ToList();

        ReduceCongestionControlFeedback(consumer);

        if (!pipe)
        {
            consumer.Encodings.Add(SingleConsumerEncoding(consumableParameters.Encodings, rtxSupported));
        }
        else
        {
            AddPipeEncodings(consumer, consumableParameters.Encodings, rtxSupported);
        }

        return consumer;
    }

    /// <summary>
    /// The RTP parameters of a consumer that feeds another router (PipeTransport): every codec and
    /// encoding kept, only PLI/FIR (and NACK with RTX) feedback, and no MID or bandwidth-estimation
    /// extensions, since the two routers do not estimate bandwidth between themselves.
    /// </summary>
    /// <param name="consumableParameters">The producer's consumable parameters.</param>
    /// <param name="enableRtx">False to drop RTX and plain NACK.</param>
    internal static RtpParameters GetPipeConsumerRtpParameters(RtpParameters consumableParameters, bool enableRtx = false)
    {
        ArgumentNullException.ThrowIfNull(consumableParameters);
        var consumer = new RtpParameters { Rtcp = consumableParameters.Rtcp.Clone() };

        foreach (var consumableCodec in consumableParameters.Codecs)
        {
            if (!enableRtx && CodecMatcher.IsRtx(consumableCodec))
            {
                continue;
            }

            var codec = consumableCodec.Clone();
            codec.RtcpFeedback.RemoveAll(fb => !(
                (fb.Type == "nack" && fb.Parameter == "pli")
                || (fb.Type == "ccm" && fb.Parameter == "fir")
                || (enableRtx && fb.Type == "nack" && string.IsNullOrEmpty(fb.Parameter))));
            consumer.Codecs.Add(codec);
        }

        consumer.HeaderExtensions = consumableParameters.HeaderExtensions
            .Where(ext => ext.Uri is not (RtpHeaderExtensionUris.Mid or RtpHeaderExtensionUris.AbsSendTime or RtpHeaderExtensionUris.TransportWideCcDraft01))
            .Select(ext => ext.Clone())
            .ToList();

        AddPipeEncodings(consumer, consumableParameters.Encodings, enableRtx);
        return consumer;
    }

    /// <summary>
    /// Whether a consumer whose receiver matched RED (RFC 2198) is sent RED: only when the receiver can be told what
    /// RED's blocks carry, and can decode every one of them. RED's SDP format parameters list the blocks' payload types
    /// (<c>a=fmtp:63 111/111</c>), and Chromium refuses RED whose offer lacks them; mediasoup-client writes a codec's
    /// parameters as <c>key=value</c> pairs, which cannot spell that list, and the capabilities it reports list red
    /// with the list already lost (its SDP parser reads <c>111/111</c> as a key without a value, which JSON drops). So a
    /// WebRTC receiver's <c>audio/red</c> capability says less than it seems, and such a consumer is sent the primary
    /// encoding alone. A receiver told the parameters as they are (a plain RTP endpoint, another router) takes its
    /// capability at its word. RED is also dropped when any other media codec of the producer was not kept: a block
    /// may carry any of them.
    /// </summary>
    private static bool KeepsRed(RtpParameters consumer, RtpParameters consumable, bool parametersReachReceiverAsGiven) =>
        parametersReachReceiverAsGiven
        && consumable.Codecs
            .Where(codec => !CodecMatcher.IsRtx(codec) && !IsRed(codec))
            .All(codec => consumer.Codecs.Exists(kept => kept.PayloadType == codec.PayloadType));

    private static bool IsRed(RtpCodecParameters codec) => codec.MimeType.Equals("audio/red", StringComparison.OrdinalIgnoreCase);

    /// <summary>Use transport-cc when its extension survived, else REMB when abs-send-time did, else neither.</summary>
    private static void ReduceCongestionControlFeedback(RtpParameters consumer)
    {
        var hasTransportCc = consumer.HeaderExtensions.Exists(e => e.Uri == RtpHeaderExtensionUris.TransportWideCcDraft01);
        var hasAbsSendTime = consumer.HeaderExtensions.Exists(e => e.Uri == RtpHeaderExtensionUris.AbsSendTime);
        foreach (var codec in consumer.Codecs)
        {
            codec.RtcpFeedback.RemoveAll(fb =>
                (fb.Type == "goog-remb" && hasTransportCc)
                || (fb.Type == "transport-cc" && !hasTransportCc && hasAbsSendTime)
                || (!hasTransportCc && !hasAbsSendTime && fb.Type is "transport-cc" or "goog-remb"));
        }
    }

    private static RtpEncodingParameters SingleConsumerEncoding(List<RtpEncodingParameters> consumableEncodings, bool rtxSupported)
    {
        var ssrc = SsrcGenerator.Next();
        var encoding = new RtpEncodingParameters { Ssrc = ssrc };
        if (rtxSupported)
        {
            encoding.Rtx = new RtxParameters { Ssrc = ssrc + 1 };
        }

        var scalabilityMode = consumableEncodings.Find(e => e.ScalabilityMode is not null)?.ScalabilityMode;
        if (consumableEncodings.Count > 1)
        {
            // Simulcast reaches the consumer as one stream whose spatial layers are the producer's streams.
            scalabilityMode = $"L{consumableEncodings.Count}T{ScalabilityMode.Parse(scalabilityMode).TemporalLayers}";
        }

        encoding.ScalabilityMode = scalabilityMode;

        var maxBitrate = consumableEncodings.Max(e => e.MaxBitrate ?? 0);
        if (maxBitrate > 0)
        {
            encoding.MaxBitrate = maxBitrate;
        }

        return encoding;
    }

    private static void AddPipeEncodings(RtpParameters consumer, List<RtpEncodingParameters> consumableEncodings, bool withRtx)
    {
        var baseSsrc = SsrcGenerator.Next();
        var baseRtxSsrc = SsrcGenerator.Next();
        for (var i = 0; i < consumableEncodings.Count; i++)
        {
            var encoding = consumableEncodings[i].Clone();
            encoding.Ssrc = baseSsrc + (uint)i;
            encoding.Rtx = withRtx ? new RtxParameters { Ssrc = baseRtxSsrc + (uint)i } : null;
            consumer.Encodings.Add(encoding);
        }
    }
}
