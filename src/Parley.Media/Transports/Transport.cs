using Parley.Media.Diagnostics;
using Parley.Media.Ortc;
using Parley.Media.Rtc;
using Parley.Media.Routing;

namespace Parley.Media.Transports;

/// <summary>
/// A path between the router and one remote endpoint, carrying the RTP and RTCP of the producers it receives and the
/// consumers it sends. Concrete transports (<see cref="PlainTransport"/>, later WebRtcTransport) only move datagrams
/// (and decrypt/encrypt them); routing, demultiplexing by SSRC and RTCP handling live here.
/// </summary>
public abstract partial class Transport : IRtpSendTarget, IWorkerCallbackOwner
{
    private readonly Dictionary<string, Producer> _producers = [];
    private readonly Dictionary<string, Consumer> _consumers = [];
    private readonly Dictionary<uint, ProducerStream> _streamsBySsrc = [];
    private readonly Dictionary<uint, Consumer> _consumersBySsrc = [];
    private WorkerTimer? _rtcpTimer;
    private WorkerTimer? _feedbackTimer;
    private string? _cname;
    private volatile bool _closed;
    private volatile object? _closeReason;

    private protected Transport(Router router, object? appData, TransportCounters? counters = null)
    {
        Router = router;
        AppData = appData;
        RtcpSsrc = SsrcGenerator.Next();
        Counters = counters ?? new TransportCounters();
    }

    /// <summary>Unique id.</summary>
    public string Id { get; } = Guid.NewGuid().ToString();

    /// <summary>The router this transport belongs to.</summary>
    public Router Router { get; }

    /// <summary>The application's data given at creation.</summary>
    public object? AppData { get; }

    /// <summary>True once closed.</summary>
    public bool IsClosed => _closed;

    /// <summary>Raised (on a thread-pool thread) when the transport closes, itself or with its router; <see cref="CloseReason"/> says why.</summary>
    public event EventHandler? Closed;

    /// <summary>Why the transport closed; null while open.</summary>
    public TransportCloseReason? CloseReason => (TransportCloseReason?)_closeReason;

    internal Worker Worker => Router.Worker;

    internal TransportCounters Counters { get; }

    /// <summary>Open producers (worker thread).</summary>
    internal int ProducerCount => _producers.Count;

    /// <summary>Open consumers (worker thread).</summary>
    internal int ConsumerCount => _consumers.Count;

    /// <summary>mediasoup's stats <c>type</c> of this kind of transport.</summary>
    private protected abstract string StatsType { get; }

    /// <summary>The sender SSRC of RTCP this transport originates (feedback and receiver reports).</summary>
    internal uint RtcpSsrc { get; }

    /// <summary>
    /// Starts receiving from the remote producer described by <paramref name="rtpParameters"/> (mediasoup-client's
    /// <c>produce</c> output): validated, mapped to the router's payload types and SSRCs, and made consumable.
    /// </summary>
    /// <exception cref="OrtcException">The parameters are malformed or use a codec the router lacks.</exception>
    /// <exception cref="InvalidOperationException">An SSRC is already in use on this transport.</exception>
    public Task<Producer> ProduceAsync(MediaKind kind, RtpParameters rtpParameters, object? appData = null, bool paused = false)
    {
        var parameters = rtpParameters.Clone();
        OrtcRules.ValidateRtpParameters(parameters);
        return Worker.InvokeAsync(() =>
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            var mapping = OrtcRules.GetProducerRtpParametersMapping(parameters, Router.RtpCapabilities);
            _cname = OrtcRules.AssignProducerCname(parameters, _cname);
            var consumable = OrtcRules.GetConsumableRtpParameters(kind, parameters, Router.RtpCapabilities, mapping);
            var producer = new Producer(this, kind, parameters, consumable, mapping, appData, paused);
            foreach (var stream in producer.Streams)
            {
                if ((stream.IsBound && _streamsBySsrc.ContainsKey(stream.Ssrc)) || (stream.RtxSsrc is { } taken && _streamsBySsrc.ContainsKey(taken)))
                {
                    throw new InvalidOperationException($"SSRC {stream.Ssrc} is already in use on transport {Id}.");
                }
            }

            // Signaled SSRCs are routed now; a RID-only encoding's when its first packet arrives (BindUnknownSsrc).
            foreach (var stream in producer.Streams)
            {
                if (stream.IsBound)
                {
                    _streamsBySsrc.Add(stream.Ssrc, stream);
                }

                if (stream.RtxSsrc is { } rtxSsrc)
                {
                    _streamsBySsrc.Add(rtxSsrc, stream);
                }
            }

            _producers.Add(producer.Id, producer);
            Router.AddProducer(producer);
            OnProducerAdded(producer);
            EnsureRtcpTimer();
            return producer;
        });
    }

    /// <summary>
    /// Sends the router's producer <paramref name="producerId"/> to a device with <paramref name="rtpCapabilities"/>.
    /// The consumer starts paused unless <paramref name="paused"/> is false; resume it once the client is ready.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No such producer in this router.</exception>
    /// <exception cref="OrtcException">The capabilities are malformed or share no codec with the producer.</exception>
    public Task<Consumer> ConsumeAsync(string producerId, RtpCapabilities rtpCapabilities, bool paused = true, object? appData = null)
    {
        var caps = rtpCapabilities.Clone();
        OrtcRules.ValidateRtpCapabilities(caps);
        return Worker.InvokeAsync(() =>
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (!Router.TryGetProducer(producerId, out var producer) || producer.IsClosed)
            {
                throw new KeyNotFoundException($"Producer {producerId} not found.");
            }

            if (!OrtcRules.CanConsume(producer.ConsumableRtpParameters, caps))
            {
                throw new OrtcException($"Cannot consume producer {producerId} with the given RTP capabilities.");
            }

            var parameters = OrtcRules.GetConsumerRtpParameters(
                producer.ConsumableRtpParameters, caps, pipe: false, enableRtx: true, parametersReachReceiverAsGiven: ConsumerParametersReachReceiverAsGiven);
            parameters.Mid = NextConsumerMid();
            var consumer = Consumer.Create(this, producer, parameters, appData, paused);
            _consumers.Add(consumer.Id, consumer);
            foreach (var stream in consumer.SendStreams)
            {
                _consumersBySsrc.Add(stream.Ssrc, consumer);
                if (stream.RtxSsrc is { } rtxSsrc)
                {
                    _consumersBySsrc.Add(rtxSsrc, consumer);
                }
            }

            producer.AddConsumer(consumer);
            OnConsumerAdded(consumer);
            EnsureRtcpTimer();
            return consumer;
        });
    }

    /// <summary>The transport's traffic stats in mediasoup's shape (<c>transport.getStats()</c>).</summary>
    public Task<TransportStats> GetStatsAsync() => Worker.InvokeAsync(() => CreateStats(Worker.Timers.Now));

    /// <summary>The stats on the worker thread; WebRTC transports add their ICE and DTLS state.</summary>
    private protected virtual TransportStats CreateStats(long now) => Counters.CreateStats(Id, now, StatsType);

    /// <summary>
    /// True when the application tells the remote receiver a consumer's parameters as they are (a plain RTP endpoint);
    /// false when they reach it as an SDP offer that mediasoup-client writes, which cannot say everything a codec
    /// needs (RED's list of block payload types; <c>OrtcRules.KeepsRed</c>).
    /// </summary>
    private protected virtual bool ConsumerParametersReachReceiverAsGiven => false;

    /// <summary>The <c>mid</c> of the next consumer (WebRTC transports number them per transport); null for none.</summary>
    private protected virtual string? NextConsumerMid() => null;

    /// <summary>Datagrams the transport dropped, by reason (reasons with none left out).</summary>
    internal Task<IReadOnlyDictionary<RtpDropReason, long>> GetDropCountsAsync() => Worker.InvokeAsync(Counters.DroppedByReason);

    /// <summary>Closes the transport with its producers (whose consumers elsewhere close too) and consumers.</summary>
    public Task CloseAsync() => CloseAsync(TransportCloseReason.Closed);

    /// <summary>Closes the transport for <paramref name="reason"/> (from any thread).</summary>
    private protected Task CloseAsync(TransportCloseReason reason) => _closed ? Task.CompletedTask : Worker.InvokeAsync(() =>
    {
        CloseOnWorker(reason);
        Router.RemoveTransport(this);
    });

    /// <summary>Sends one RTP packet to the remote side (encrypting it if the transport does).</summary>
    internal abstract void SendRtp(ReadOnlySpan<byte> packet, bool isRetransmission = false);

    void IRtpSendTarget.SendRtp(ReadOnlySpan<byte> packet, bool isRetransmission) => SendRtp(packet, isRetransmission);

    /// <summary>Sends one RTCP compound packet to the remote side.</summary>
    internal abstract void SendRtcp(ReadOnlySpan<byte> packet);

    /// <summary>Releases sockets and other resources of the concrete transport.</summary>
    private protected abstract void CloseResources();

    /// <summary>On the worker: one of the transport's callbacks threw; the transport may be half-updated, so it closes.</summary>
    void IWorkerCallbackOwner.OnCallbackFault(Exception exception)
    {
        if (!_closed)
        {
            CloseOnWorker(TransportCloseReason.Fault);
            Router.RemoveTransport(this);
        }
    }

    internal void CloseOnWorker(TransportCloseReason reason)
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _closeReason = reason;
        LogClose(reason);
        _rtcpTimer?.Cancel();
        _feedbackTimer?.Cancel();
        // After a fault the transport's state is suspect: it sends nothing more, not even a BYE.
        foreach (var consumer in _consumers.Values.ToArray())
        {
            consumer.CloseOnWorker(sendBye: reason != TransportCloseReason.Fault);
        }

        foreach (var producer in _producers.Values.ToArray())
        {
            producer.CloseOnWorker();
        }

        CloseResources();
        Worker.OnTransportClosed(this);
        Worker.RaiseEvent(Closed, this);
    }

    /// <summary>On the worker thread: counts this open transport, its producers and consumers, and its traffic.</summary>
    internal void AddStatisticsTo(WorkerStatisticsBuilder builder)
    {
        if (_closed)
        {
            // Its traffic went into the worker's closed totals when it closed.
            return;
        }

        CountTransport(ref builder.Counts);

        foreach (var producer in _producers.Values)
        {
            if (producer.Kind == MediaKind.Audio)
            {
                builder.Counts.AudioProducers++;
            }
            else
            {
                builder.Counts.VideoProducers++;
            }
        }

        builder.Counts.Consumers += _consumers.Count;
        AddTrafficTo(builder.Traffic);
    }

    /// <summary>Counts this transport under its kind in <paramref name="counts"/>.</summary>
    private protected abstract void CountTransport(ref MediaObjectCounts counts);

    /// <summary>On the worker thread: adds the transport's cumulative counts to <paramref name="totals"/>.</summary>
    internal virtual void AddTrafficTo(MediaTrafficTotals totals)
    {
        totals.RtpPacketsReceived += Counters.RtpPacketsReceived;
        totals.RtpBytesReceived += Counters.RtpBytesReceived;
        totals.RtpPacketsSent += Counters.RtpPacketsSent;
        totals.RtpBytesSent += Counters.RtpBytesSent;
        totals.RetransmissionsSent += Counters.RtxPacketsSent;
        totals.NacksReceived += Counters.NacksReceived;
        totals.KeyFrameRequestsSent += Counters.KeyFrameRequestsSent;
        for (var i = 0; i < totals.TransportDrops.Length; i++)
        {
            totals.TransportDrops[i] += Counters.Dropped((RtpDropReason)i);
        }

        for (var i = 0; i < totals.ConnectionDrops.Length; i++)
        {
            totals.ConnectionDrops[i] += Counters.Dropped((WebRtcDropReason)i);
        }
    }

    /// <summary>On the worker, once a producer is routed (WebRTC transports learn its transport-wide-cc extension id).</summary>
    private protected virtual void OnProducerAdded(Producer producer)
    {
    }

    /// <summary>On the worker, when a producer of this transport closes.</summary>
    private protected virtual void OnProducerRemoved(Producer producer)
    {
    }

    internal void RemoveProducer(Producer producer)
    {
        _producers.Remove(producer.Id);
        OnProducerRemoved(producer);
        foreach (var stream in producer.Streams)
        {
            if (stream.IsBound)
            {
                _streamsBySsrc.Remove(stream.Ssrc);
            }

            if (stream.RtxSsrc is { } rtxSsrc)
            {
                _streamsBySsrc.Remove(rtxSsrc);
            }
        }
    }

    /// <summary>On the worker, once a consumer is routed (WebRTC transports stamp its packets for bandwidth estimation).</summary>
    private protected virtual void OnConsumerAdded(Consumer consumer)
    {
    }

    /// <summary>On the worker, when a consumer of this transport starts a forwarding period (a resume): a transport that allocates bandwidth re-runs its allocation.</summary>
    internal virtual void OnConsumerActivated(Consumer consumer)
    {
    }

    /// <summary>
    /// On the worker, when what <paramref name="stream"/> has sent is superseded (it switched to another source at a
    /// keyframe, or stopped the stream it forwarded to switch to one): what of it still waits to be sent is dropped by a
    /// transport with a pacer. Nothing waits on a transport without one.
    /// </summary>
    internal virtual void DropQueued(RtpSendStream stream)
    {
    }

    /// <summary>On the worker, when a consumer of this transport closes.</summary>
    private protected virtual void OnConsumerRemoved(Consumer consumer)
    {
    }

    internal void RemoveConsumer(Consumer consumer)
    {
        if (!_consumers.Remove(consumer.Id))
        {
            return;
        }

        OnConsumerRemoved(consumer);
        foreach (var stream in consumer.SendStreams)
        {
            _consumersBySsrc.Remove(stream.Ssrc);
            if (stream.RtxSsrc is { } rtxSsrc)
            {
                _consumersBySsrc.Remove(rtxSsrc);
            }
        }
    }

    private void EnsureRtcpTimer()
    {
        _rtcpTimer ??= Worker.Timers.StartPeriodic(RtcpIntervalMs, SendRtcpReports, this);
        _feedbackTimer ??= Worker.Timers.StartPeriodic(FeedbackIntervalMs, OnFeedbackTimer, this);
    }

    private void LogClose(TransportCloseReason reason)
    {
        switch (reason)
        {
            case TransportCloseReason.Fault:
                MediaEngineLog.TransportClosedByFault(Worker.Logger, Id, Worker.Name);
                break;
            case TransportCloseReason.DtlsFailed:
                MediaEngineLog.TransportFailed(Worker.Logger, Id, reason);
                break;
            default:
                MediaEngineLog.TransportClosed(Worker.Logger, Id, reason);
                break;
        }
    }
}
