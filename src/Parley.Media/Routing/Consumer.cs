using Parley.Media.Allocation;
using Parley.Media.Ortc;
using Parley.Media.Rtc;
using Parley.Media.Rtcp;
using Parley.Media.Rtp;
using Parley.Media.Transports;

namespace Parley.Media.Routing;

/// <summary>
/// One producer sent to one remote endpoint over a transport, under the consumer's own SSRC, payload types, sequence
/// numbers, timestamps and header extension IDs. It starts paused; after a resume (its own or its producer's) a video
/// consumer asks upstream for a keyframe and forwards nothing until one arrives.
/// </summary>
/// <remarks>
/// One class per kind of consumer (mediasoup's): <see cref="SimpleConsumer"/> sends a producer's one stream;
/// <see cref="SimulcastConsumer"/> chooses one of a simulcast producer's streams (and, for VP8, its temporal layers).
/// Each sends through an <see cref="RtpSendStream"/>, which rewrites, retransmits and reports. This base class holds
/// what every kind shares: the object model (pause, resume, close, events, stats), keyframe requests, and the RTCP
/// from the receiver, which it hands to the send stream its SSRC names.
/// </remarks>
public abstract partial class Consumer
{
    private readonly RtpSendStream[] _sendStreams;
    private readonly KeyFrameRequestThrottle _keyFrameThrottle = new();
    private volatile bool _paused;
    private volatile bool _producerPaused;
    private volatile bool _closed;
    private volatile ConsumerPriority _priority = ConsumerPriority.Other;

    private protected Consumer(Transport transport, Producer producer, RtpParameters rtpParameters, object? appData, bool paused, RtpSendStream[] sendStreams)
    {
        Transport = transport;
        Producer = producer;
        RtpParameters = rtpParameters;
        AppData = appData;
        Type = producer.Type;
        _paused = paused;
        _producerPaused = producer.IsPaused;
        _sendStreams = sendStreams;
    }

    /// <summary>Unique id.</summary>
    public string Id { get; } = Guid.NewGuid().ToString();

    /// <summary>The consumed producer's id.</summary>
    public string ProducerId => Producer.Id;

    /// <summary>Audio or video.</summary>
    public MediaKind Kind => Producer.Kind;

    /// <summary>The consumer's RTP parameters, what the remote side must be told to receive; treat as read-only.</summary>
    public RtpParameters RtpParameters { get; }

    /// <summary>The consumer type (mediasoup's <c>simple</c>, <c>simulcast</c>, <c>svc</c>): its producer's.</summary>
    public RtpParametersType Type { get; }

    /// <summary>The application's data given at creation.</summary>
    public object? AppData { get; }

    /// <summary>True while paused by the application.</summary>
    public bool IsPaused => _paused;

    /// <summary>True while its producer is paused.</summary>
    public bool IsProducerPaused => _producerPaused;

    /// <summary>True once closed.</summary>
    public bool IsClosed => _closed;

    /// <summary>Who is served first when the transport's bandwidth is short (default <see cref="ConsumerPriority.Other"/>).</summary>
    public ConsumerPriority Priority => _priority;

    /// <summary>Raised (on a thread-pool thread) when the consumer closes for any reason.</summary>
    public event EventHandler? Closed;

    /// <summary>Raised when its producer closed (the consumer is closed too); mediasoup's <c>producerclose</c>.</summary>
    public event EventHandler? ProducerClosed;

    /// <summary>Raised when its producer paused; mediasoup's <c>producerpause</c>.</summary>
    public event EventHandler? ProducerPaused;

    /// <summary>Raised when its producer resumed; mediasoup's <c>producerresume</c>.</summary>
    public event EventHandler? ProducerResumed;

    internal Transport Transport { get; }

    internal Producer Producer { get; }

    /// <summary>The streams the consumer sends (one, for every kind so far).</summary>
    internal IReadOnlyList<RtpSendStream> SendStreams => _sendStreams;

    /// <summary>The SSRC of the first stream sent.</summary>
    internal uint Ssrc => _sendStreams[0].Ssrc;

    /// <summary>The RTX SSRC of the first stream sent, when RTX was negotiated.</summary>
    internal uint? RtxSsrc => _sendStreams[0].RtxSsrc;

    /// <summary>The worker that owns the consumer (its transport's).</summary>
    private protected Worker Worker => Transport.Worker;

    /// <summary>Sending: resumed, its producer too, and open.</summary>
    internal bool IsActive => !_paused && !_producerPaused && !_closed;

    /// <summary>What the consumer's streams send now (media and retransmissions), bits per second.</summary>
    internal long SendBitrate(long nowMs)
    {
        long total = 0;
        foreach (var stream in _sendStreams)
        {
            total += stream.GetBitrate(nowMs);
        }

        return total;
    }

    /// <summary>True from the start of a forwarding period of a video consumer until its first keyframe goes out.</summary>
    private protected bool WaitingForKeyFrame { get; set; }

    /// <summary>Where keyframe requests go: the producer stream the consumer forwards, or the one it switches to.</summary>
    private protected abstract ProducerStream KeyFrameStream { get; }

    /// <summary>A keyframe is still awaited (the timer repeats the request while it is).</summary>
    private protected virtual bool NeedsKeyFrame => WaitingForKeyFrame;

    /// <summary>Stops sending.</summary>
    public Task PauseAsync() => Worker.InvokeAsync(() => _paused = true);

    /// <summary>Starts or resumes sending; video waits for a keyframe, which it requests upstream.</summary>
    public Task ResumeAsync() => Worker.InvokeAsync(() =>
    {
        if (!_paused || _closed)
        {
            return;
        }

        _paused = false;
        if (IsActive)
        {
            StartPeriod();
        }
    });

    /// <summary>
    /// Sets who is served first when the transport's bandwidth is short: a screen share, then the active speaker, then
    /// the others; taken at the transport's next allocation.
    /// </summary>
    public Task SetPriorityAsync(ConsumerPriority priority)
    {
        if (!Enum.IsDefined(priority))
        {
            throw new ArgumentOutOfRangeException(nameof(priority), priority, "Not a consumer priority.");
        }

        return Worker.InvokeAsync(() => _priority = priority);
    }

    /// <summary>Asks the producer's sender for a keyframe.</summary>
    public Task RequestKeyFrameAsync() => Worker.InvokeAsync(() => RequestKeyFrame(Worker.Timers.Now));

    /// <summary>Closes the consumer.</summary>
    public Task CloseAsync() => _closed ? Task.CompletedTask : Worker.InvokeAsync(() => CloseOnWorker(sendBye: true));

    /// <summary>
    /// The consumer's <c>outbound-rtp</c> stats followed by the <c>inbound-rtp</c> stats of the producer stream feeding
    /// it (mediasoup's <c>consumer.getStats()</c>).
    /// </summary>
    public Task<IReadOnlyList<RtpStreamStats>> GetStatsAsync() => Worker.InvokeAsync(() =>
    {
        var now = Worker.Timers.Now;
        var stats = new List<RtpStreamStats>(_sendStreams.Length + 1);
        foreach (var stream in _sendStreams)
        {
            stats.Add(stream.GetStats(now, Kind));
        }

        stats.Add(StatsSource.GetStats(now));
        return (IReadOnlyList<RtpStreamStats>)stats;
    });

    /// <summary>Sends this consumer's copy of a router-space packet, or not. The hot path: no allocation.</summary>
    internal abstract void Forward(ProducerStream stream, in RtpPacket packet, bool isKeyFrame, long nowMs);

    /// <summary>The producer stream a retransmission of <paramref name="sendStream"/> is taken from; null when none was sent in this period.</summary>
    private protected abstract IRetransmissionSource? RetransmissionSource(RtpSendStream sendStream);

    /// <summary>The producer stream whose stats go with the consumer's.</summary>
    private protected virtual ProducerStream StatsSource => KeyFrameStream;

    /// <summary>A new forwarding period began (a resume); a video consumer is already waiting for a keyframe.</summary>
    private protected abstract void OnPeriodStarted(long nowMs);

    /// <summary>On the transport's 40 ms timer, before keyframe requests.</summary>
    private protected virtual void OnTick(long nowMs)
    {
    }

    /// <summary>
    /// The start-of-period gate of the per-packet path: while waiting for a keyframe, only a keyframe passes (and ends the
    /// wait). A keyframe of the stream keyframes were asked of answers the request.
    /// </summary>
    private protected bool PassesKeyFrameGate(ProducerStream stream, bool isKeyFrame)
    {
        if (WaitingForKeyFrame)
        {
            if (!isKeyFrame)
            {
                return false;
            }

            WaitingForKeyFrame = false;
        }

        if (isKeyFrame && stream == KeyFrameStream)
        {
            _keyFrameThrottle.OnKeyFrameReceived();
        }

        return true;
    }

    /// <summary>The receiver asked for a keyframe of <paramref name="ssrc"/> (PLI or FIR).</summary>
    internal void OnKeyFrameRequested(uint ssrc, bool isFir, long nowMs)
    {
        if (FindSendStream(ssrc) is not { } stream)
        {
            return;
        }

        if (isFir)
        {
            stream.Counters.FirCount++;
        }
        else
        {
            stream.Counters.PliCount++;
        }

        if (IsActive)
        {
            RequestKeyFrame(nowMs);
        }
    }

    /// <summary>
    /// On the transport's fast timer: a keyframe request the throttle held back may go now. While still waiting for a
    /// keyframe the request is repeated (after the throttle's repeat interval): one lost or ignored PLI must not leave the
    /// consumer dark.
    /// </summary>
    internal void OnTimer(long nowMs)
    {
        UpdateScore();
        if (IsActive)
        {
            OnTick(nowMs);
        }

        if (IsActive && (_keyFrameThrottle.TryForwardPending(nowMs) || (NeedsKeyFrame && _keyFrameThrottle.TryRepeat(nowMs))))
        {
            Producer.RequestKeyFrame(KeyFrameStream);
        }
    }

    /// <summary>The receiver lost packets of <paramref name="ssrc"/>: the send stream retransmits those still held.</summary>
    internal void OnNack(uint ssrc, NackLostSequenceEnumerator lost, long nowMs)
    {
        if (FindSendStream(ssrc) is { } stream)
        {
            stream.Retransmit(lost, RetransmissionSource(stream), nowMs);
        }
    }

    /// <summary>A probe packet for <paramref name="stream"/>: an RTX copy of a packet it sent last (see <see cref="RtpSendStream.TryWriteRecentAsRtx"/>).</summary>
    internal bool TryWriteProbe(RtpSendStream stream, long nowMs, Span<byte> destination, out int written) =>
        stream.TryWriteRecentAsRtx(RetransmissionSource(stream), nowMs, destination, out written);

    /// <summary>A report block about one of this consumer's streams from the receiver.</summary>
    internal void OnReceiverReport(in RtcpReportBlock block, long nowMs)
    {
        FindSendStream(block.Ssrc)?.OnReceiverReport(block, nowMs);
        UpdateScore();
    }

    /// <summary>The round trip of the stream <paramref name="ssrc"/> names, from the receiver's reports (0 before one).</summary>
    internal double RoundTripTimeMilliseconds(uint ssrc) => FindSendStream(ssrc)?.RoundTripTimeMilliseconds ?? 0;

    /// <summary>Sends a sender report (with SDES) for each stream that has sent.</summary>
    internal void SendSenderReports(Span<byte> buffer, long nowMs, ulong ntpNow)
    {
        foreach (var stream in _sendStreams)
        {
            if (stream.TryWriteSenderReport(buffer, nowMs, ntpNow, out var written))
            {
                Transport.SendRtcp(buffer[..written]);
            }
        }
    }

    internal void OnProducerPauseChanged(bool paused)
    {
        var wasActive = IsActive;
        _producerPaused = paused;
        Worker.RaiseEvent(paused ? ProducerPaused : ProducerResumed, this);
        if (!wasActive && IsActive)
        {
            StartPeriod();
        }
    }

    internal void OnProducerClosed()
    {
        CloseOnWorker(sendBye: true);
        Worker.RaiseEvent(ProducerClosed, this);
    }

    internal void CloseOnWorker(bool sendBye)
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        if (sendBye)
        {
            Span<uint> ssrcs = stackalloc uint[_sendStreams.Length];
            var count = 0;
            foreach (var stream in _sendStreams)
            {
                if (stream.HasSent)
                {
                    ssrcs[count++] = stream.Ssrc;
                }
            }

            if (count > 0)
            {
                Transport.SendGoodbye(ssrcs[..count]);
            }
        }

        Producer.RemoveConsumer(this);
        Transport.RemoveConsumer(this);
        Worker.RaiseEvent(Closed, this);
    }

    /// <summary>Creates the consumer class for <paramref name="producer"/>'s kind of stream (mediasoup's choice by type).</summary>
    internal static Consumer Create(Transport transport, Producer producer, RtpParameters rtpParameters, object? appData, bool paused)
    {
        Consumer consumer = producer.Type switch
        {
            RtpParametersType.Simulcast => new SimulcastConsumer(transport, producer, rtpParameters, appData, paused),
            RtpParametersType.Svc when SvcConsumer.CanChooseLayers(producer) => new SvcConsumer(transport, producer, rtpParameters, appData, paused),
            _ => new SimpleConsumer(transport, producer, rtpParameters, appData, paused),
        };
        if (consumer.IsActive)
        {
            consumer.StartPeriod();
        }

        return consumer;
    }

    /// <summary>The send stream that <paramref name="ssrc"/> (media or RTX) names.</summary>
    private protected RtpSendStream? FindSendStream(uint ssrc)
    {
        foreach (var stream in _sendStreams)
        {
            if (stream.Ssrc == ssrc || stream.RtxSsrc == ssrc)
            {
                return stream;
            }
        }

        return null;
    }

    /// <summary>Asks upstream for a keyframe, at most once per throttle interval; a held-back request goes on the timer.</summary>
    private protected void RequestKeyFrame(long nowMs)
    {
        if (_keyFrameThrottle.TryRequest(nowMs))
        {
            Producer.RequestKeyFrame(KeyFrameStream);
        }
    }

    /// <summary>
    /// Asks the stream just made the target for a keyframe, at once: the throttle merges requests for one stream, and a
    /// request for another one is a new request. Held back by a request for the old stream (the receiver's PLI after a
    /// loss, a switch a moment ago), the switch waited up to a throttle interval while the old stream went on into a
    /// link that no longer carried it.
    /// </summary>
    private protected void RequestKeyFrameOfNewStream(long nowMs)
    {
        _keyFrameThrottle.Restart();
        RequestKeyFrame(nowMs);
    }

    private void StartPeriod()
    {
        foreach (var stream in _sendStreams)
        {
            stream.RequestSync();
        }

        if (Kind == MediaKind.Video)
        {
            WaitingForKeyFrame = true;
            _keyFrameThrottle.OnKeyFrameReceived();
            OnPeriodStarted(Worker.Timers.Now);
        }
    }
}
