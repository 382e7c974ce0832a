using System.Collections.Concurrent;
using System.Diagnostics;
using Parley.Media.Rtcp;
using Parley.Media.Rtp;
using Parley.Media.Transports;

namespace Parley.LoadTest;

/// <summary>
/// A participant's receive transport: sorts decrypted RTP to its consumers' streams (unwrapping RTX), records
/// transport-wide sequence numbers, and sends what a browser's receiver sends: NACKs every 20 ms, a PLI when a NACK
/// gives up, transport-cc feedback every 100 ms and receiver reports every second.
/// </summary>
internal sealed class MediaReceiver
{
    private static readonly long NackInterval = Stopwatch.Frequency / 50;
    private static readonly long FeedbackInterval = Stopwatch.Frequency / 10;
    private static readonly long ReportInterval = Stopwatch.Frequency;
    private static readonly long ConsentInterval = Stopwatch.Frequency * 5;

    private readonly ClientTransport _transport;
    private readonly LoadCounters _counters;
    private readonly Action<InboundStream, long> _firstMedia;
    private readonly ConcurrentDictionary<uint, InboundStream> _bySsrc = new();
    private readonly ConcurrentDictionary<uint, InboundStream> _byRtxSsrc = new();
    private readonly TransportCcFeedbackRecorder _feedback = new();
    private readonly Lock _feedbackGate = new();
    private readonly uint _ssrc = (uint)Random.Shared.NextInt64(1, uint.MaxValue);
    private readonly byte[] _unwrapped = new byte[1600];
    private readonly byte[] _rtcp = new byte[1500];
    private readonly ushort[] _lost = new ushort[64];
    private volatile byte _transportWideCcId;
    private long _nextNacks;
    private long _nextFeedback;
    private long _nextReport;
    private long _nextConsent;

    public MediaReceiver(ClientTransport transport, LoadCounters counters, Action<InboundStream, long> firstMedia)
    {
        _transport = transport;
        _counters = counters;
        _firstMedia = firstMedia;
        _nextNacks = _nextFeedback = _nextReport = Stopwatch.GetTimestamp();
        _nextConsent = _nextReport + ConsentInterval;
        transport.RtpReceived = OnRtp;
    }

    public ICollection<InboundStream> Streams => _bySsrc.Values;

    public void Add(InboundStream stream, byte transportWideCcId)
    {
        if (transportWideCcId != 0)
            _transportWideCcId = transportWideCcId;
        _bySsrc[stream.Ssrc] = stream;
        if (stream.RtxSsrc != 0)
            _byRtxSsrc[stream.RtxSsrc] = stream;
    }

    private void OnRtp(Span<byte> datagram)
    {
        var now = Stopwatch.GetTimestamp();
        if (!RtpPacket.TryParse(datagram, out var packet))
            return;
        var twccId = _transportWideCcId;
        if (twccId != 0 && packet.TryGetExtension(twccId, out var twcc) && twcc.Length >= 2)
        {
            lock (_feedbackGate)
                _feedback.Record((ushort)((twcc[0] << 8) | twcc[1]), (long)Stopwatch.GetElapsedTime(0, now).TotalMicroseconds);
        }

        Interlocked.Increment(ref _counters.RtpReceived);
        var recovered = false;
        if (!_bySsrc.TryGetValue(packet.Ssrc, out var stream))
        {
            if (!_byRtxSsrc.TryGetValue(packet.Ssrc, out stream)
                || !RtxPacket.TryUnwrap(packet, _unwrapped, stream.Ssrc, stream.PayloadType, out var length)
                || !RtpPacket.TryParse(_unwrapped.AsSpan(0, length), out packet))
            {
                Interlocked.Increment(ref _counters.UnknownSsrcReceived);
                return;
            }

            recovered = true;
            Interlocked.Increment(ref _counters.RetransmissionsReceived);
        }

        if (packet.Payload.IsEmpty)
            return; // padding-only probes
        if (stream.OnPacket(packet.SequenceNumber, packet.Marker, packet.Payload, recovered, now, _counters))
            _firstMedia(stream, now);
    }

    /// <summary>Sends the feedback that is due; called by the pacer thread only.</summary>
    public void Tick(long now)
    {
        if (now >= _nextNacks)
        {
            _nextNacks = now + NackInterval;
            SendNacks(now);
        }

        if (now >= _nextFeedback)
        {
            _nextFeedback = now + FeedbackInterval;
            SendTransportFeedback();
        }

        if (now >= _nextReport)
        {
            _nextReport = now + ReportInterval;
            SendReceiverReport();
        }

        if (now >= _nextConsent)
        {
            _nextConsent = now + ConsentInterval;
            _transport.SendConsentCheck();
        }
    }

    private void SendNacks(long now)
    {
        var nowMilliseconds = now * 1000 / Stopwatch.Frequency;
        foreach (var stream in _bySsrc.Values)
        {
            int count;
            bool keyFrame;
            lock (stream.Gate)
            {
                if (stream.Nacks.PendingCount == 0 && !stream.Nacks.KeyFrameRequired)
                    continue;
                count = stream.Nacks.CollectNacks(nowMilliseconds, rttMilliseconds: 20, _lost);
                keyFrame = stream.Nacks.KeyFrameRequired && stream.IsVideo;
                if (keyFrame)
                    stream.Nacks.AcknowledgeKeyFrameRequest();
            }

            if (count > 0 && RtcpGenericNack.TryWrite(_rtcp, _ssrc, stream.Ssrc, _lost.AsSpan(0, count), out var written))
            {
                _transport.SendRtcp(_rtcp.AsSpan(0, written));
                Interlocked.Increment(ref _counters.NacksSent);
                Interlocked.Add(ref _counters.NackedPacketsSent, count);
            }

            if (keyFrame && new RtcpPictureLossIndication(_ssrc, stream.Ssrc).TryWrite(_rtcp, out var pliLength))
            {
                _transport.SendRtcp(_rtcp.AsSpan(0, pliLength));
                Interlocked.Increment(ref _counters.PlisSent);
            }
        }
    }

    private void SendTransportFeedback()
    {
        lock (_feedbackGate)
        {
            while (_feedback.TryWriteNext(_rtcp, _ssrc, 0, out var written))
                _transport.SendRtcp(_rtcp.AsSpan(0, written));
        }
    }

    private void SendReceiverReport()
    {
        Span<RtcpReportBlock> blocks = stackalloc RtcpReportBlock[RtcpHeader.MaxCount];
        var count = 0;
        foreach (var stream in _bySsrc.Values)
        {
            if (count == blocks.Length)
                break;
            var reception = stream.Snapshot();
            if (reception.Expected == 0)
                continue;
            var lost = (int)Math.Clamp(reception.Expected - reception.Unique, RtcpReportBlock.MinCumulativeLost, RtcpReportBlock.MaxCumulativeLost);
            blocks[count++] = new RtcpReportBlock(stream.Ssrc, 0, lost, reception.HighestExtended, 0, 0, 0);
        }

        if (RtcpReceiverReport.TryWrite(_rtcp, _ssrc, blocks[..count], out var written))
            _transport.SendRtcp(_rtcp.AsSpan(0, written));
    }
}
