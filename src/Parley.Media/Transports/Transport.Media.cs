using Parley.Media.Rtc;
using Parley.Media.Routing;
using Parley.Media.Rtcp;
using Parley.Media.Rtp;

namespace Parley.Media.Transports;

/// <content>The per-packet path: inbound RTP to producers, inbound RTCP to producers and consumers, and reports.</content>
public abstract partial class Transport
{
    private const int RtcpIntervalMs = 1000;
    private const int FeedbackIntervalMs = 40;
    private const int MaxRtcpLength = 1200;

    /// <summary>RFC 5761 §4: with RTP and RTCP on one port, payload types 64–95 (byte 1 = 192–223) are RTCP.</summary>
    internal static bool IsRtcp(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= 4 && datagram[0] >> 6 == 2 && datagram[1] is >= 192 and <= 223;

    internal static bool IsRtp(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= RtpPacket.FixedHeaderLength && datagram[0] >> 6 == 2 && datagram[1] is < 192 or > 223;

    /// <summary>Routes one plain RTP packet (already decrypted) to the producer stream its SSRC names.</summary>
    /// <param name="datagram">The packet, writable in place.</param>
    /// <param name="arrivalTimestamp">When its datagram was read from the socket (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>), or 0.</param>
    internal void HandleRtp(Span<byte> datagram, long arrivalTimestamp = 0)
    {
        var now = Worker.Timers.Now;
        if (!RtpPacket.TryParse(datagram, out var packet))
        {
            Counters.OnDropped(RtpDropReason.MalformedRtp);
            Counters.OnReceived(TrafficKind.Other, datagram.Length, now);
            return;
        }

        if (!_streamsBySsrc.TryGetValue(packet.Ssrc, out var stream))
        {
            stream = BindUnknownSsrc(ref packet);
            if (stream is null)
            {
                Counters.OnDropped(RtpDropReason.UnknownSsrc);
                Counters.OnReceived(TrafficKind.Other, datagram.Length, now);
                return;
            }

            _streamsBySsrc.Add(packet.Ssrc, stream);
        }

        OnRtpRouted(ref packet, arrivalTimestamp);

        Counters.OnReceived(stream.RtxSsrc == packet.Ssrc ? TrafficKind.Rtx : TrafficKind.Rtp, datagram.Length, now);
        if (!stream.Receive(ref packet, now))
        {
            Counters.OnDropped(RtpDropReason.UnknownPayloadType);
        }
    }

    /// <summary>
    /// A packet of an SSRC no stream has: a kind of transport may bind it to a stream signaled without one (RID-only
    /// simulcast), which it returns after <see cref="ProducerStream.BindSsrc"/> or <see cref="ProducerStream.BindRtxSsrc"/>;
    /// the transport routes the SSRC to it from then on. Null drops the packet.
    /// </summary>
    private protected virtual ProducerStream? BindUnknownSsrc(ref RtpPacket packet) => null;

    /// <summary>What a kind of transport does with a packet of a known stream before the stream takes it (the one parse is the caller's).</summary>
    private protected virtual void OnRtpRouted(ref RtpPacket packet, long arrivalTimestamp)
    {
    }

    /// <summary>Handles one plain RTCP compound packet: feedback for consumers, reports for producers.</summary>
    internal void HandleRtcp(ReadOnlySpan<byte> datagram)
    {
        Counters.OnReceived(TrafficKind.Other, datagram.Length, Worker.Timers.Now);
        if (!RtcpCompoundReader.IsValid(datagram))
        {
            Counters.OnDropped(RtpDropReason.MalformedRtcp);
            return;
        }

        Counters.RtcpPacketsReceived++;
        var reader = new RtcpCompoundReader(datagram);
        while (reader.MoveNext())
        {
            var packet = reader.CurrentPacket;
            switch (reader.CurrentHeader.PacketType)
            {
                case RtcpPacketType.SenderReport when RtcpSenderReport.TryParse(packet, out var sr):
                    if (_streamsBySsrc.TryGetValue(sr.Ssrc, out var stream))
                    {
                        stream.OnSenderReport(sr, Worker.Timers.Now);
                    }

                    OnReportBlocks(sr.ReportBlocks);
                    break;
                case RtcpPacketType.ReceiverReport when RtcpReceiverReport.TryParse(packet, out var rr):
                    OnReportBlocks(rr.ReportBlocks);
                    break;
                case RtcpPacketType.PayloadFeedback:
                    OnPayloadFeedback(reader.CurrentHeader.Count, packet);
                    break;
                case RtcpPacketType.TransportFeedback when reader.CurrentHeader.Count == RtcpFeedbackFormat.GenericNack:
                    Counters.NacksReceived++;
                    if (RtcpGenericNack.TryParse(packet, out var nack) && _consumersBySsrc.TryGetValue(nack.MediaSsrc, out var nacked))
                    {
                        nacked.OnNack(nack.MediaSsrc, nack.LostSequenceNumbers, Worker.Timers.Now);
                    }

                    break;
                case RtcpPacketType.TransportFeedback when reader.CurrentHeader.Count == RtcpFeedbackFormat.TransportWideCc:
                    OnTransportWideFeedback(packet);
                    break;
            }
        }
    }

    /// <summary>Transport-wide congestion control feedback (RTPFB FMT 15) about what this transport sent.</summary>
    private protected virtual void OnTransportWideFeedback(ReadOnlySpan<byte> packet)
    {
    }

    /// <summary>A receiver's estimated maximum bitrate (REMB) for what this transport sends.</summary>
    private protected virtual void OnRemb(ulong bitrate)
    {
    }

    /// <summary>A round-trip time measured from a receiver report about one of this transport's consumers.</summary>
    private protected virtual void OnRoundTripTime(double milliseconds)
    {
    }

    private void OnReportBlocks(RtcpReportBlockEnumerator blocks)
    {
        foreach (var block in blocks)
        {
            if (_consumersBySsrc.TryGetValue(block.Ssrc, out var consumer))
            {
                consumer.OnReceiverReport(block, Worker.Timers.Now);
                if (block.LastSenderReport != 0)
                {
                    OnRoundTripTime(consumer.RoundTripTimeMilliseconds(block.Ssrc));
                }
            }
        }
    }

    private void OnPayloadFeedback(int format, ReadOnlySpan<byte> packet)
    {
        if (format == RtcpFeedbackFormat.PictureLossIndication && RtcpPictureLossIndication.TryParse(packet, out var pli))
        {
            if (_consumersBySsrc.TryGetValue(pli.MediaSsrc, out var consumer))
            {
                consumer.OnKeyFrameRequested(pli.MediaSsrc, isFir: false, Worker.Timers.Now);
            }
        }
        else if (format == RtcpFeedbackFormat.ApplicationLayer && RtcpRemb.TryParse(packet, out var remb))
        {
            OnRemb(remb.Bitrate);
        }
        else if (format == RtcpFeedbackFormat.FullIntraRequest && RtcpFullIntraRequest.TryParse(packet, out var fir))
        {
            for (var i = 0; i < fir.EntryCount; i++)
            {
                var ssrc = fir.GetEntry(i).Ssrc;
                if (_consumersBySsrc.TryGetValue(ssrc, out var consumer))
                {
                    consumer.OnKeyFrameRequested(ssrc, isFir: true, Worker.Timers.Now);
                }
            }
        }
    }

    /// <summary>Every 40 ms: NACK retries for producer streams, held-back keyframe requests of consumers.</summary>
    private void OnFeedbackTimer()
    {
        var now = Worker.Timers.Now;
        foreach (var producer in _producers.Values)
        {
            foreach (var stream in producer.Streams)
            {
                stream.OnTimer(now);
            }
        }

        foreach (var consumer in _consumers.Values)
        {
            consumer.OnTimer(now);
        }
    }

    /// <summary>Every second: a sender report per consumer that has sent, receiver reports for producer streams.</summary>
    private void SendRtcpReports()
    {
        Span<byte> buffer = stackalloc byte[MaxRtcpLength];
        var now = Worker.Timers.Now;
        var ntpNow = NtpTime.FromUnixMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        foreach (var consumer in _consumers.Values)
        {
            consumer.SendSenderReports(buffer, now, ntpNow);
        }

        Span<RtcpReportBlock> blocks = stackalloc RtcpReportBlock[RtcpHeader.MaxCount];
        var count = 0;
        foreach (var producer in _producers.Values)
        {
            foreach (var stream in producer.Streams)
            {
                if (count < blocks.Length && stream.TryGetReportBlock(now, out blocks[count]))
                {
                    count++;
                }
            }
        }

        if (count > 0 && RtcpReceiverReport.TryWrite(buffer, RtcpSsrc, blocks[..count], out var length))
        {
            SendRtcp(buffer[..length]);
        }
    }

    /// <summary>Asks the remote producer for a keyframe of <paramref name="mediaSsrc"/> (PLI).</summary>
    internal void SendPictureLossIndication(uint mediaSsrc)
    {
        Span<byte> buffer = stackalloc byte[RtcpPictureLossIndication.Size];
        if (new RtcpPictureLossIndication(RtcpSsrc, mediaSsrc).TryWrite(buffer, out var written))
        {
            Counters.KeyFrameRequestsSent++;
            SendRtcp(buffer[..written]);
        }
    }

    /// <summary>Asks the remote producer to retransmit <paramref name="lost"/> of <paramref name="mediaSsrc"/>.</summary>
    internal void SendNack(uint mediaSsrc, ReadOnlySpan<ushort> lost)
    {
        Span<byte> buffer = stackalloc byte[MaxRtcpLength];
        if (RtcpGenericNack.TryWrite(buffer, RtcpSsrc, mediaSsrc, lost, out var written))
        {
            SendRtcp(buffer[..written]);
        }
    }

    /// <summary>Tells the remote receiver that <paramref name="ssrcs"/> end.</summary>
    internal void SendGoodbye(ReadOnlySpan<uint> ssrcs)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (RtcpGoodbye.TryWrite(buffer, ssrcs, default, out var written))
        {
            SendRtcp(buffer[..written]);
        }
    }
}
