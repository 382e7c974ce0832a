using Parley.Media.Codecs;
using Parley.Media.Ortc;
using Parley.Media.Rtcp;
using Parley.Media.Rtp;

namespace Parley.Media.Routing;

/// <summary>
/// One incoming RTP stream of a producer (one encoding): its SSRCs, payload type mapping into the router, keyframe
/// detection, and the receive-side state (counters; loss detection, reports and the retransmission buffer hook in
/// here). Runs on the worker thread only.
/// </summary>
internal sealed class ProducerStream
{
    private const byte Unknown = 0xFF;

    private readonly byte[] _routerPayloadType = new byte[128];
    private readonly byte[] _rtxToMediaPayloadType = new byte[128];
    private readonly VideoCodec[] _codecByPayloadType = new VideoCodec[128];

    public ProducerStream(Producer producer, int index, RtpEncodingParameters encoding, RtpEncodingMapping mapping, RtpMapping codecMapping)
    {
        Producer = producer;
        Index = index;
        Ssrc = encoding.Ssrc ?? throw new NotSupportedException("Encodings without an SSRC (RID-only simulcast) are not routed yet.");
        RtxSsrc = encoding.Rtx?.Ssrc;
        MappedSsrc = mapping.MappedSsrc;
        Array.Fill(_routerPayloadType, Unknown);
        Array.Fill(_rtxToMediaPayloadType, Unknown);
        foreach (var codec in producer.RtpParameters.Codecs)
        {
            var mapped = codecMapping.Codecs.FirstOrDefault(m => m.PayloadType == codec.PayloadType);
            if (mapped is null)
            {
                continue;
            }

            _routerPayloadType[codec.PayloadType] = (byte)mapped.MappedPayloadType;
            if (codec.MimeType.EndsWith("/rtx", StringComparison.OrdinalIgnoreCase))
            {
                if (codec.Parameters.TryGetValue("apt", out var apt) && apt.TryGetInt32(out var mediaPayloadType) && mediaPayloadType is >= 0 and < 128)
                {
                    _rtxToMediaPayloadType[codec.PayloadType] = (byte)mediaPayloadType;
                }
            }
            else
            {
                _codecByPayloadType[codec.PayloadType] = KeyFrameDetector.FromMimeType(codec.MimeType);
            }
        }
    }

    public Producer Producer { get; }

    /// <summary>Position among the producer's encodings.</summary>
    public int Index { get; }

    /// <summary>The SSRC the remote producer sends media with.</summary>
    public uint Ssrc { get; }

    /// <summary>The SSRC of its retransmissions, when it negotiated RTX.</summary>
    public uint? RtxSsrc { get; }

    /// <summary>The SSRC the router knows the stream by.</summary>
    public uint MappedSsrc { get; }

    public long PacketCount { get; private set; }

    public long ByteCount { get; private set; }

    public long RepairedPacketCount { get; private set; }

    public long KeyFrameCount { get; private set; }

    /// <summary>
    /// Takes one packet of this stream (media or RTX), restores RTX to the original, moves it into router space
    /// (router payload type and SSRC) and hands it to the producer. False when its payload type is unknown.
    /// </summary>
    public bool Receive(ref RtpPacket packet, long nowMs)
    {
        var payloadType = packet.PayloadType;
        if (RtxSsrc == packet.Ssrc)
        {
            var mediaPayloadType = _rtxToMediaPayloadType[payloadType];
            if (mediaPayloadType == Unknown)
            {
                return false;
            }

            var repair = Producer.Transport.Worker.RepairScratch;
            if (!RtxPacket.TryUnwrap(packet, repair, Ssrc, mediaPayloadType, out var written)
                || !RtpPacket.TryParse(repair.AsSpan(0, written), out packet))
            {
                return false;
            }

            payloadType = mediaPayloadType;
            RepairedPacketCount++;
        }

        var routerPayloadType = _routerPayloadType[payloadType];
        if (routerPayloadType == Unknown || _rtxToMediaPayloadType[payloadType] != Unknown)
        {
            return false;
        }

        PacketCount++;
        ByteCount += packet.Length;
        var isKeyFrame = KeyFrameDetector.IsKeyFrame(_codecByPayloadType[payloadType], packet.Payload);
        if (isKeyFrame)
        {
            KeyFrameCount++;
        }

        packet.PayloadType = routerPayloadType;
        packet.Ssrc = MappedSsrc;
        Producer.Dispatch(this, packet, isKeyFrame, nowMs);
        return true;
    }

    /// <summary>The remote producer's sender report, for LSR/DLSR in our receiver reports.</summary>
    public void OnSenderReport(in RtcpSenderReport report, long nowMs)
    {
    }

    /// <summary>A receiver report block for this stream, once there is something to report.</summary>
    public bool TryGetReportBlock(long nowMs, out RtcpReportBlock block)
    {
        block = default;
        return false;
    }

    /// <summary>Writes the packet with sequence number <paramref name="sequence"/> in router space, if still held.</summary>
    public bool TryGetForRetransmission(ushort sequence, Span<byte> destination, out int written)
    {
        written = 0;
        return false;
    }
}
