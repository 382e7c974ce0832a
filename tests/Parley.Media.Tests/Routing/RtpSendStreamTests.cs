using System.Buffers.Binary;
using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Rtcp;
using Parley.Media.Rtp;

namespace Parley.Media.Tests.Routing;

public sealed class RtpSendStreamTests
{
    private const uint ProducerSsrc = 0x1111;
    private const uint ConsumerSsrc = 0x2222;
    private const uint ConsumerRtxSsrc = 0x3333;
    private const byte Vp8PayloadType = 101;
    private const byte RtxPayloadType = 102;
    private const byte ProducerAudioLevelId = 1;
    private const byte ProducerMidId = 4;
    private const byte ConsumerAudioLevelId = 9;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_retransmission_is_the_forwarded_packet_again(bool rtx)
    {
        var capture = new CapturedSends();
        var source = new HeldPackets();
        var pictureIds = new Vp8PictureIdContinuity();
        var stream = new RtpSendStream(ProducerParameters(), ConsumerParameters(rtx), capture, new byte[PacketBufferPool.BufferLength], pictureIds);

        // A first period, then a resume 700 ms later with a picture left out: the numbers of the second period are
        // offset from the input in sequence, timestamp and picture ID, none of them trivially.
        for (ushort i = 0; i < 5; i++)
        {
            ForwardPacket(stream, source, (ushort)(1000 + i), pictureId: 300 + i, nowMs: 20 * i);
        }

        stream.RequestSync();
        pictureIds.RequestSync();
        var forwarded = new List<byte[]>();
        for (ushort i = 0; i < 10; i++)
        {
            var sequence = (ushort)(5000 + i);
            var packet = Vp8Packet(sequence, pictureId: 7000 + i);
            source.Hold(sequence, packet);
            Assert.True(RtpPacket.TryParse(packet, out var rtp));
            if (i == 6)
            {
                pictureIds.Skip(rtp.Payload);
                stream.Skip(rtp, 800 + (20 * i));
                continue;
            }

            capture.Sent.Clear();
            Assert.True(stream.Send(rtp, 800 + (20 * i)));
            forwarded.Add(Assert.Single(capture.Sent).Packet);
        }

        capture.Sent.Clear();
        var lost = forwarded.Select(p => BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(2))).ToArray();
        stream.Retransmit(Nack(lost).LostSequenceNumbers, source, nowMs: 1200);

        Assert.Equal(forwarded.Count, capture.Sent.Count);
        for (var i = 0; i < forwarded.Count; i++)
        {
            var (packet, isRetransmission) = capture.Sent[i];
            Assert.True(isRetransmission);
            Assert.Equal(forwarded[i], rtx ? Unwrap(packet) : packet);
        }

        // The second period is numbered on from the first, without the picture left out.
        Assert.True(RtpPacket.TryParse(forwarded[0], out var first));
        Assert.Equal(ConsumerSsrc, first.Ssrc);
        Assert.True(first.TryGetExtension(ConsumerAudioLevelId, out var level));
        Assert.Equal(0x85, level[0]);
        Assert.False(first.TryGetExtension(ProducerMidId, out _));
        Assert.Equal(Enumerable.Range(0, 9).Select(i => (ushort)(1005 + i)), lost);
        Assert.Equal(Enumerable.Range(0, 9).Select(i => 305 + i), forwarded.Select(PictureId));
    }

    [Fact]
    public void A_packet_is_resent_at_most_once_per_round_trip_three_times_and_only_while_it_can_arrive_in_time()
    {
        var capture = new CapturedSends();
        var source = new HeldPackets();
        var stream = new RtpSendStream(ProducerParameters(), ConsumerParameters(rtx: true), capture, new byte[PacketBufferPool.BufferLength]);
        ForwardPacket(stream, source, 10, pictureId: 1, nowMs: 0);
        ForwardPacket(stream, source, 11, pictureId: 2, nowMs: 0);
        var first = TestRtp.Header(capture.Sent[0].Packet).Sequence;
        var second = TestRtp.Header(capture.Sent[1].Packet).Sequence;
        capture.Sent.Clear();

        int ResendsAt(ushort sequence, long nowMs)
        {
            var before = capture.Sent.Count;
            stream.Retransmit(Nack([sequence]).LostSequenceNumbers, source, nowMs);
            return capture.Sent.Count - before;
        }

        Assert.Equal(1, ResendsAt(first, 30));
        Assert.Equal(0, ResendsAt(first, 60)); // the first copy may still be on its way (100 ms round trip assumed)
        Assert.Equal(1, ResendsAt(first, 140));
        Assert.Equal(1, ResendsAt(first, 250));
        Assert.Equal(0, ResendsAt(first, 400)); // three times is enough
        Assert.Equal(0, ResendsAt(second, 1_000)); // too late to be played
        Assert.Equal(1, stream.Resends.Limiter.RefusedTooSoon);
        Assert.Equal(1, stream.Resends.Limiter.RefusedTooManyAttempts);
        Assert.Equal(1, stream.Resends.Limiter.RefusedTooOld);
    }

    [Fact]
    public void A_packet_no_longer_held_or_of_an_earlier_period_is_not_resent()
    {
        var capture = new CapturedSends();
        var source = new HeldPackets();
        var stream = new RtpSendStream(ProducerParameters(), ConsumerParameters(rtx: false), capture, new byte[PacketBufferPool.BufferLength]);
        ForwardPacket(stream, source, 10, pictureId: 1, nowMs: 0);
        ForwardPacket(stream, source, 11, pictureId: 2, nowMs: 20);
        stream.RequestSync();
        ForwardPacket(stream, source, 500, pictureId: 3, nowMs: 1000);
        source.Forget(500);
        capture.Sent.Clear();

        stream.Retransmit(Nack([10, 11, 12]).LostSequenceNumbers, source, nowMs: 1100);

        Assert.Empty(capture.Sent);
        Assert.Equal(1, stream.Counters.NackCount);
        Assert.Equal(3, stream.Counters.NackPacketCount);
    }

    [Fact]
    public void The_sender_report_gives_the_counts_sent_and_the_rtp_time_of_now()
    {
        var capture = new CapturedSends();
        var stream = new RtpSendStream(ProducerParameters(), ConsumerParameters(rtx: false), capture, new byte[PacketBufferPool.BufferLength]);
        var buffer = new byte[1200];
        Assert.False(stream.TryWriteSenderReport(buffer, 0, 1, out _));

        var source = new HeldPackets();
        ForwardPacket(stream, source, 1, pictureId: 1, nowMs: 0, timestamp: 90_000);
        ForwardPacket(stream, source, 2, pictureId: 2, nowMs: 40, timestamp: 93_600);
        var octets = capture.Sent.Sum(s => s.Packet.Length);
        const ulong ntp = 0xE000_0000_8000_0000;

        Assert.True(stream.TryWriteSenderReport(buffer, nowMs: 540, ntp, out var written));

        var reader = new RtcpCompoundReader(buffer.AsSpan(0, written));
        Assert.True(reader.MoveNext());
        Assert.True(RtcpSenderReport.TryParse(reader.CurrentPacket, out var report));
        Assert.Equal(ConsumerSsrc, report.Ssrc);
        Assert.Equal(ntp, report.NtpTimestamp);
        Assert.Equal(93_600u + (500 * 90), report.RtpTimestamp);
        Assert.Equal(2u, report.PacketCount);
        Assert.Equal((uint)octets, report.OctetCount);
        Assert.True(reader.MoveNext());
        Assert.Equal(RtcpPacketType.SourceDescription, reader.CurrentHeader.PacketType);
        Assert.True(buffer.AsSpan(0, written).IndexOf("consumer-cname"u8) > 0);
        Assert.False(reader.MoveNext());
    }

    private static void ForwardPacket(RtpSendStream stream, HeldPackets source, ushort sequence, int pictureId, long nowMs, uint? timestamp = null)
    {
        var packet = Vp8Packet(sequence, pictureId, timestamp);
        source.Hold(sequence, packet);
        Assert.True(RtpPacket.TryParse(packet, out var rtp));
        Assert.True(stream.Send(rtp, nowMs));
    }

    /// <summary>A router-space VP8 packet with a long picture ID, an audio-level element and a MID (which must not pass).</summary>
    private static byte[] Vp8Packet(ushort sequence, int pictureId, uint? timestamp = null) => TestRtp.Build(
        Vp8PayloadType,
        sequence,
        timestamp ?? (uint)(sequence / 2 * 3000),
        ProducerSsrc,
        [0x90, 0x80, (byte)(0x80 | (pictureId >> 8)), (byte)pictureId, 0x10, 0x02, 0x9d, 1, 2, 3],
        (ProducerAudioLevelId, [0x85]),
        (ProducerMidId, [(byte)'0']));

    private static int PictureId(byte[] packet)
    {
        Assert.True(RtpPacket.TryParse(packet, out var rtp));
        return BinaryPrimitives.ReadUInt16BigEndian(rtp.Payload[2..]) & 0x7FFF;
    }

    private static RtcpGenericNack Nack(ushort[] lost)
    {
        var buffer = new byte[1200];
        Assert.True(RtcpGenericNack.TryWrite(buffer, 1, ConsumerSsrc, lost, out var written));
        Assert.True(RtcpGenericNack.TryParse(buffer.AsSpan(0, written), out var nack));
        return nack;
    }

    private static byte[] Unwrap(byte[] rtx)
    {
        Assert.True(RtpPacket.TryParse(rtx, out var packet));
        Assert.Equal(ConsumerRtxSsrc, packet.Ssrc);
        Assert.Equal(RtxPayloadType, packet.PayloadType);
        var original = new byte[1500];
        Assert.True(RtxPacket.TryUnwrap(packet, original, ConsumerSsrc, Vp8PayloadType, out var written));
        return original[..written];
    }

    private static RtpParameters ProducerParameters() => new()
    {
        Codecs = [new RtpCodecParameters { MimeType = "video/VP8", PayloadType = Vp8PayloadType, ClockRate = 90000 }],
        HeaderExtensions =
        [
            new RtpHeaderExtensionParameters { Uri = RtpHeaderExtensionUris.AudioLevel, Id = ProducerAudioLevelId },
            new RtpHeaderExtensionParameters { Uri = RtpHeaderExtensionUris.Mid, Id = ProducerMidId },
        ],
        Encodings = [new RtpEncodingParameters { Ssrc = ProducerSsrc }],
    };

    private static RtpParameters ConsumerParameters(bool rtx) => new()
    {
        Codecs = rtx
            ?
            [
                new RtpCodecParameters { MimeType = "video/VP8", PayloadType = Vp8PayloadType, ClockRate = 90000 },
                new RtpCodecParameters { MimeType = "video/rtx", PayloadType = RtxPayloadType, ClockRate = 90000, Parameters = { ["apt"] = Vp8PayloadType } },
            ]
            : [new RtpCodecParameters { MimeType = "video/VP8", PayloadType = Vp8PayloadType, ClockRate = 90000 }],
        HeaderExtensions =
        [
            new RtpHeaderExtensionParameters { Uri = RtpHeaderExtensionUris.AudioLevel, Id = ConsumerAudioLevelId },
            new RtpHeaderExtensionParameters { Uri = RtpHeaderExtensionUris.Mid, Id = 5 },
        ],
        Encodings = [new RtpEncodingParameters { Ssrc = ConsumerSsrc, Rtx = rtx ? new RtxParameters { Ssrc = ConsumerRtxSsrc } : null }],
        Rtcp = new RtcpParameters { Cname = "consumer-cname" },
    };

    private sealed class CapturedSends : IRtpSendTarget
    {
        public List<(byte[] Packet, bool IsRetransmission)> Sent { get; } = [];

        public void SendRtp(ReadOnlySpan<byte> packet, bool isRetransmission) => Sent.Add((packet.ToArray(), isRetransmission));
    }

    private sealed class HeldPackets : IRetransmissionSource
    {
        private readonly Dictionary<ushort, byte[]> _packets = [];

        public void Hold(ushort sequence, byte[] packet) => _packets[sequence] = packet;

        public void Forget(ushort sequence) => _packets.Remove(sequence);

        public bool TryGetForRetransmission(ushort sequence, long nowMs, Span<byte> destination, out int written)
        {
            written = 0;
            if (!_packets.TryGetValue(sequence, out var packet))
            {
                return false;
            }

            packet.CopyTo(destination);
            written = packet.Length;
            return true;
        }
    }
}
