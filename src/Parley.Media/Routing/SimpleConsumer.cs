using Parley.Media.Ortc;
using Parley.Media.Rtp;
using Parley.Media.Transports;

namespace Parley.Media.Routing;

/// <summary>
/// A consumer of a producer's one stream (mediasoup's SimpleConsumer): every packet of it goes out, from the first
/// keyframe after each resume. An SVC producer is sent whole by this class until an SVC consumer chooses its layers.
/// </summary>
internal sealed class SimpleConsumer : Consumer
{
    private readonly RtpSendStream _stream;

    internal SimpleConsumer(Transport transport, Producer producer, RtpParameters rtpParameters, object? appData, bool paused)
        : base(transport, producer, rtpParameters, appData, paused,
            [new RtpSendStream(producer.RtpParameters, rtpParameters, transport, transport.Worker.SendScratch, redToUnwrap: RedPayloadType(producer))])
    {
        _stream = SendStreams[0];
    }

    private protected override ProducerStream KeyFrameStream => Producer.Streams[0];

    internal override void Forward(ProducerStream stream, in RtpPacket packet, bool isKeyFrame, long nowMs)
    {
        if (!IsActive || stream.Index != 0 || !_stream.SendsPayloadType(packet.PayloadType) || !PassesKeyFrameGate(stream, isKeyFrame))
        {
            return;
        }

        _stream.Send(packet, nowMs);
    }

    /// <summary>The router payload type of the producer's RED (RFC 2198) encoding, if it sends one.</summary>
    private static byte? RedPayloadType(Producer producer) =>
        producer.ConsumableRtpParameters.Codecs.Find(c => c.MimeType.Equals("audio/red", StringComparison.OrdinalIgnoreCase)) is { } red
            ? (byte)red.PayloadType
            : null;

    private protected override IRetransmissionSource? RetransmissionSource(RtpSendStream sendStream) => Producer.Streams[0];

    private protected override void OnPeriodStarted(long nowMs) => RequestKeyFrame(nowMs);
}
