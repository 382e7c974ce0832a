using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Parley.Media.Rtcp;
using Parley.Media.Rtp;

namespace Parley.LoadTest;

/// <summary>
/// A participant's microphone and camera on its send transport: opus every 20 ms, and VP8 at 30 frames/s on three
/// simulcast encodings with real payload descriptors (15-bit picture IDs, TL0PICIDX, L1T3 temporal layers, keyframes
/// every <see cref="KeyFrameInterval"/> and on PLI/FIR), Chromium's header extensions, sender reports, and NACKs
/// answered over RTX from the send history. Payload bytes are synthetic; each ends with a <see cref="MediaTrailer"/>.
/// </summary>
internal sealed class MediaSender : IDisposable
{
    private const int MaxPayloadPerPacket = 1100;
    private const int FramesPerSecond = 30;
    private const int OpusPayloadBytes = 80; // 32 kbit/s
    private static readonly long AudioInterval = Stopwatch.Frequency / 50;
    private static readonly long VideoInterval = Stopwatch.Frequency / FramesPerSecond;
    private static readonly long ReportInterval = Stopwatch.Frequency;
    private static readonly long ConsentInterval = Stopwatch.Frequency * 5;
    private static readonly long KeyFrameInterval = Stopwatch.Frequency * 10;
    private static readonly byte[] AudioMid = Encoding.ASCII.GetBytes(RtpProfile.AudioMid);
    private static readonly byte[] VideoMid = Encoding.ASCII.GetBytes(RtpProfile.VideoMid);

    private readonly ClientTransport _transport;
    private readonly LoadCounters _counters;
    private readonly byte[] _cname;
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly byte[] _packet = new byte[1500];
    private readonly byte[] _payload = new byte[1500];
    private readonly byte[] _rtcp = new byte[1500];
    private readonly byte[] _retransmitOriginal = new byte[1500];
    private readonly byte[] _retransmitPacket = new byte[1600];
    private readonly byte[] _retransmitPayload = new byte[1600];
    private readonly byte[] _extensions = new byte[8];
    private readonly byte[] _retransmitExtensions = new byte[8];
    private long _nextAudio;
    private long _nextVideo;
    private long _nextReport;
    private long _nextConsent;
    private long _nextPeriodicKeyFrame;
    private int _transportSequence;

    private readonly double _sendLoss;

    public MediaSender(ClientTransport transport, LoadCounters counters, string cname, bool video, double sendLossPercent = 0)
    {
        _sendLoss = sendLossPercent / 100;
        _transport = transport;
        _counters = counters;
        _cname = Encoding.ASCII.GetBytes(cname);
        Audio = new OutboundStream(RandomSsrc(), RtpProfile.OpusPayloadType, 48000, OutboundStream.AudioIndex, rid: null, rtxSsrc: 0, keepHistory: false);
        Video = video
            ? RtpProfile.Encodings.Select((e, i) => new OutboundStream(RandomSsrc(), RtpProfile.Vp8PayloadType, 90000, i, e.Rid, RandomSsrc(), keepHistory: true)).ToArray()
            : [];
        _nextAudio = _nextVideo = _nextReport = _start;
        _nextConsent = _start + ConsentInterval;
        _nextPeriodicKeyFrame = _start + KeyFrameInterval;
        transport.RtcpReceived = OnRtcp;
    }

    public OutboundStream Audio { get; }

    public OutboundStream[] Video { get; }

    /// <summary>Sends whatever is due at <paramref name="now"/> (Stopwatch ticks); called by the pacer thread only.</summary>
    public void Tick(long now)
    {
        if (now - _nextAudio > Stopwatch.Frequency / 5)
            _nextAudio = now; // the pacer stalled: skip, as a real capturer would, rather than burst
        while (now >= _nextAudio)
        {
            SendAudio(now);
            _nextAudio += AudioInterval;
        }

        if (Video.Length > 0)
        {
            if (now - _nextVideo > Stopwatch.Frequency / 5)
                _nextVideo = now;
            while (now >= _nextVideo)
            {
                var periodicKey = now >= _nextPeriodicKeyFrame;
                if (periodicKey)
                    _nextPeriodicKeyFrame = now + KeyFrameInterval;
                foreach (var stream in Video)
                    SendVideoFrame(stream, now, periodicKey);
                _nextVideo += VideoInterval;
            }
        }

        if (now >= _nextReport)
        {
            SendReports(now);
            _nextReport = now + ReportInterval;
        }

        if (now >= _nextConsent)
        {
            _transport.SendConsentCheck();
            _nextConsent = now + ConsentInterval;
        }
    }

    private void SendAudio(long now)
    {
        var payload = _payload.AsSpan(0, OpusPayloadBytes);
        payload[0] = 0x78; // TOC: SILK/CELT hybrid 20 ms, as Chromium's opus sends
        payload[1..^MediaTrailer.Length].Fill(0x5A);
        MediaTrailer.Write(payload, OutboundStream.AudioIndex, now);
        var elapsed = (now - _start) * 48000 / Stopwatch.Frequency;
        var timestamp = Audio.TimestampBase + (uint)(elapsed - (elapsed % 960));
        Send(Audio, AudioMid, marker: false, timestamp, payload, now, audioLevel: 0x80 | 30);
    }

    private void SendVideoFrame(OutboundStream stream, long now, bool periodicKey)
    {
        var keyFrame = periodicKey || stream.KeyFrameRequested;
        if (keyFrame)
        {
            stream.KeyFrameRequested = false;
            stream.FramesSinceKey = 0;
            Interlocked.Increment(ref _counters.KeyFramesSent);
        }

        // L1T3: TL0 TL2 TL1 TL2 ...; the first TL1 and TL2 pictures after a keyframe are layer-sync pictures.
        var phase = stream.FramesSinceKey % 4;
        var temporalLayer = phase == 0 ? 0 : phase == 2 ? 1 : 2;
        var layerSync = stream.FramesSinceKey is 1 or 2;
        if (temporalLayer == 0)
            stream.Tl0PicIdx++;
        stream.PictureId = (ushort)((stream.PictureId + 1) & 0x7FFF);
        stream.FramesSinceKey++;

        var bitrate = RtpProfile.Encodings[stream.EncodingIndex].Bitrate;
        var frameBytes = bitrate / 8 / FramesPerSecond * (keyFrame ? 3 : 1);
        var packets = (frameBytes + MaxPayloadPerPacket - 1) / MaxPayloadPerPacket;
        var perPacket = Math.Max(frameBytes / packets, 32);
        var elapsed = (now - _start) * 90000 / Stopwatch.Frequency;
        var timestamp = stream.TimestampBase + (uint)elapsed;
        for (var i = 0; i < packets; i++)
        {
            var payload = _payload.AsSpan(0, perPacket);
            var offset = Vp8Descriptor.Write(payload, startOfFrame: i == 0, stream.PictureId, stream.Tl0PicIdx, temporalLayer, layerSync);
            if (i == 0)
                offset += Vp8Descriptor.WriteFrameHeader(payload[offset..], keyFrame);
            payload[offset..^MediaTrailer.Length].Fill((byte)i);
            MediaTrailer.Write(payload, stream.EncodingIndex, now);
            Send(stream, VideoMid, marker: i == packets - 1, timestamp, payload, now, audioLevel: -1);
        }
    }

    private void Send(OutboundStream stream, byte[] mid, bool marker, uint timestamp, ReadOnlySpan<byte> payload, long now, int audioLevel)
    {
        var sequence = stream.NextSequence++;
        var builder = new RtpPacketBuilder(_packet, stream.PayloadType, sequence, timestamp, stream.Ssrc, marker);
        AddCommonExtensions(ref builder, mid, stream.Rid is null ? default : stream.Rid, RtpProfile.RidId, now, _extensions);
        if (audioLevel >= 0)
        {
            _extensions[5] = (byte)audioLevel;
            builder.TryAddExtension(RtpProfile.AudioLevelId, _extensions.AsSpan(5, 1));
        }

        if (!builder.TryFinish(payload, 0, out var written))
            return;
        var packet = _packet.AsSpan(0, written);
        if (stream.History is { } history)
        {
            lock (stream.Gate)
                history.Store(packet, sequence, Stopwatch.GetElapsedTime(_start).Ticks / TimeSpan.TicksPerMillisecond);
        }

        if (stream.History is not null && _sendLoss > 0 && Random.Shared.NextDouble() < _sendLoss)
        {
            stream.Packets++; // lost on the way, as far as the server can tell
            Interlocked.Increment(ref _counters.RtpSent);
            return;
        }

        if (_transport.SendRtp(packet))
        {
            stream.Packets++;
            stream.Octets += payload.Length;
            Interlocked.Increment(ref _counters.RtpSent);
        }
    }

    /// <param name="scratch">5 bytes owned by the calling thread for the extension values.</param>
    private void AddCommonExtensions(ref RtpPacketBuilder builder, ReadOnlySpan<byte> mid, ReadOnlySpan<byte> rid, byte ridId, long now, byte[] scratch)
    {
        builder.TryAddExtension(RtpProfile.MidId, mid);
        if (!rid.IsEmpty)
            builder.TryAddExtension(ridId, rid);

        // abs-send-time: 6.18 fixed-point seconds, 24 bits.
        var absSendTime = (uint)((now * (1L << 18) / Stopwatch.Frequency) & 0xFFFFFF);
        scratch[0] = (byte)(absSendTime >> 16);
        scratch[1] = (byte)(absSendTime >> 8);
        scratch[2] = (byte)absSendTime;
        builder.TryAddExtension(RtpProfile.AbsSendTimeId, scratch.AsSpan(0, 3));
        var transportSequence = (ushort)Interlocked.Increment(ref _transportSequence);
        scratch[3] = (byte)(transportSequence >> 8);
        scratch[4] = (byte)transportSequence;
        builder.TryAddExtension(RtpProfile.TransportWideCcId, scratch.AsSpan(3, 2));
    }

    private void SendReports(long now)
    {
        var ntp = NtpNow();
        var length = 0;
        var rtcp = _rtcp.AsSpan();
        Span<uint> ssrcs = stackalloc uint[4];
        var count = 0;
        foreach (var stream in Video.Prepend(Audio))
        {
            if (stream.Packets == 0)
                continue;
            var elapsed = (now - _start) * stream.ClockRate / Stopwatch.Frequency;
            if (RtcpSenderReport.TryWrite(rtcp[length..], stream.Ssrc, ntp, stream.TimestampBase + (uint)elapsed,
                    (uint)stream.Packets, (uint)stream.Octets, [], out var written))
            {
                length += written;
                ssrcs[count++] = stream.Ssrc;
            }
        }

        if (count == 0)
            return;
        var sdes = new RtcpSourceDescriptionBuilder(rtcp[length..]);
        foreach (var ssrc in ssrcs[..count])
        {
            sdes.TryAddChunk(ssrc);
            sdes.TryAddItem(SdesItemType.Cname, _cname);
        }

        if (sdes.TryFinish(out var sdesLength))
            length += sdesLength;
        _transport.SendRtcp(rtcp[..length]);
    }

    /// <summary>RTCP from the server about what we send: NACKs (answered over RTX), PLI/FIR (a keyframe next).</summary>
    private void OnRtcp(Span<byte> compound)
    {
        var reader = new RtcpCompoundReader(compound);
        while (reader.MoveNext())
        {
            var header = reader.CurrentHeader;
            var packet = reader.CurrentPacket;
            if (header.PacketType == RtcpPacketType.TransportFeedback && header.Count == RtcpFeedbackFormat.GenericNack
                && RtcpGenericNack.TryParse(packet, out var nack))
            {
                Interlocked.Increment(ref _counters.NacksReceived);
                var stream = FindVideo(nack.MediaSsrc);
                foreach (var lost in nack.LostSequenceNumbers)
                {
                    Interlocked.Increment(ref _counters.NackedPacketsReceived);
                    if (stream is not null)
                        Retransmit(stream, lost);
                }
            }
            else if (header.PacketType == RtcpPacketType.PayloadFeedback
                     && header.Count is RtcpFeedbackFormat.PictureLossIndication or RtcpFeedbackFormat.FullIntraRequest
                     && RtcpFeedback.TrySplit(packet, RtcpPacketType.PayloadFeedback, header.Count, out _, out var mediaSsrc, out _))
            {
                Interlocked.Increment(ref _counters.PlisReceived);
                var stream = FindVideo(mediaSsrc);
                foreach (var target in stream is null ? Video : [stream])
                    target.KeyFrameRequested = true;
            }
        }
    }

    private OutboundStream? FindVideo(uint ssrc) => Array.Find(Video, s => s.Ssrc == ssrc);

    private void Retransmit(OutboundStream stream, ushort sequence)
    {
        int length;
        lock (stream.Gate)
        {
            var now = Stopwatch.GetElapsedTime(_start).Ticks / TimeSpan.TicksPerMillisecond;
            if (stream.History is not { } history || !history.TryGet(sequence, now, out var stored))
                return;
            stored.CopyTo(_retransmitOriginal);
            length = stored.Length;
        }

        if (!RtpPacket.TryParse(_retransmitOriginal.AsSpan(0, length), out var original))
            return;

        // RFC 4588: the original sequence number, then the original payload, on the RTX SSRC with the repaired RID.
        var payload = _retransmitPayload.AsSpan(0, original.Payload.Length + 2);
        BinaryPrimitives.WriteUInt16BigEndian(payload, original.SequenceNumber);
        original.Payload.CopyTo(payload[2..]);
        var builder = new RtpPacketBuilder(_retransmitPacket, RtpProfile.RtxPayloadType, stream.NextRtxSequence++, original.Timestamp, stream.RtxSsrc, original.Marker);
        AddCommonExtensions(ref builder, VideoMid, stream.Rid, RtpProfile.RepairedRidId, Stopwatch.GetTimestamp(), _retransmitExtensions);
        if (builder.TryFinish(payload, 0, out var written) && _transport.SendRtp(_retransmitPacket.AsSpan(0, written)))
            Interlocked.Increment(ref _counters.RetransmissionsSent);
    }

    private static ulong NtpNow()
    {
        var unixMilliseconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return Parley.Media.Rtc.NtpTime.FromUnixMilliseconds(unixMilliseconds);
    }

    private static uint RandomSsrc() => (uint)Random.Shared.NextInt64(1, uint.MaxValue);

    public void Dispose()
    {
        Audio.Dispose();
        foreach (var stream in Video)
            stream.Dispose();
    }
}
