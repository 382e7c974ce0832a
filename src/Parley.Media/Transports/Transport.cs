using Parley.Media.Ortc;
using Parley.Media.Routing;

namespace Parley.Media.Transports;

/// <summary>
/// A path between the router and one remote endpoint, carrying the RTP and RTCP of the producers it receives and the
/// consumers it sends. Concrete transports (<see cref="PlainTransport"/>, later WebRtcTransport) only move datagrams
/// (and decrypt/encrypt them); routing, demultiplexing by SSRC and RTCP handling live here.
/// </summary>
public abstract partial class Transport
{
    private readonly Dictionary<string, Producer> _producers = [];
    private readonly Dictionary<string, Consumer> _consumers = [];
    private readonly Dictionary<uint, ProducerStream> _streamsBySsrc = [];
    private readonly Dictionary<uint, Consumer> _consumersBySsrc = [];
    private WorkerTimer? _rtcpTimer;
    private string? _cname;
    private volatile bool _closed;

    private protected Transport(Router router, object? appData)
    {
        Router = router;
        AppData = appData;
        RtcpSsrc = SsrcGenerator.Next();
    }

    /// <summary>Unique id.</summary>
    public string Id { get; } = Guid.NewGuid().ToString();

    /// <summary>The router this transport belongs to.</summary>
    public Router Router { get; }

    /// <summary>The application's data given at creation.</summary>
    public object? AppData { get; }

    /// <summary>True once closed.</summary>
    public bool IsClosed => _closed;

    /// <summary>Raised (on a thread-pool thread) when the transport closes, itself or with its router.</summary>
    public event EventHandler? Closed;

    internal Worker Worker => Router.Worker;

    internal TransportCounters Counters { get; } = new();

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
                if (_streamsBySsrc.ContainsKey(stream.Ssrc) || (stream.RtxSsrc is { } taken && _streamsBySsrc.ContainsKey(taken)))
                {
                    throw new InvalidOperationException($"SSRC {stream.Ssrc} is already in use on transport {Id}.");
                }
            }

            foreach (var stream in producer.Streams)
            {
                _streamsBySsrc.Add(stream.Ssrc, stream);
                if (stream.RtxSsrc is { } rtxSsrc)
                {
                    _streamsBySsrc.Add(rtxSsrc, stream);
                }
            }

            _producers.Add(producer.Id, producer);
            Router.AddProducer(producer);
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

            var parameters = OrtcRules.GetConsumerRtpParameters(producer.ConsumableRtpParameters, caps, pipe: false, enableRtx: true);
            var consumer = new Consumer(this, producer, parameters, appData, paused);
            _consumers.Add(consumer.Id, consumer);
            _consumersBySsrc.Add(consumer.Ssrc, consumer);
            if (consumer.RtxSsrc is { } rtxSsrc)
            {
                _consumersBySsrc.Add(rtxSsrc, consumer);
            }

            producer.AddConsumer(consumer);
            EnsureRtcpTimer();
            return consumer;
        });
    }

    /// <summary>Traffic and drop counters of this transport.</summary>
    public Task<TransportStats> GetStatsAsync() => Worker.InvokeAsync(() => new TransportStats
    {
        TransportId = Id,
        Timestamp = DateTimeOffset.UtcNow,
        PacketsReceived = Counters.PacketsReceived,
        BytesReceived = Counters.BytesReceived,
        PacketsSent = Counters.PacketsSent,
        BytesSent = Counters.BytesSent,
        RtpPacketsReceived = Counters.RtpPacketsReceived,
        RtcpPacketsReceived = Counters.RtcpPacketsReceived,
        Dropped = Counters.DroppedByReason(),
        ProducerCount = _producers.Count,
        ConsumerCount = _consumers.Count,
    });

    /// <summary>Closes the transport with its producers (whose consumers elsewhere close too) and consumers.</summary>
    public Task CloseAsync() => _closed ? Task.CompletedTask : Worker.InvokeAsync(() =>
    {
        CloseOnWorker();
        Router.RemoveTransport(this);
    });

    /// <summary>Sends one RTP packet to the remote side (encrypting it if the transport does).</summary>
    internal abstract void SendRtp(ReadOnlySpan<byte> packet);

    /// <summary>Sends one RTCP compound packet to the remote side.</summary>
    internal abstract void SendRtcp(ReadOnlySpan<byte> packet);

    /// <summary>Releases sockets and other resources of the concrete transport.</summary>
    private protected abstract void CloseResources();

    internal void CloseOnWorker()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _rtcpTimer?.Cancel();
        foreach (var consumer in _consumers.Values.ToArray())
        {
            consumer.CloseOnWorker(sendBye: true);
        }

        foreach (var producer in _producers.Values.ToArray())
        {
            producer.CloseOnWorker();
        }

        CloseResources();
        Worker.RaiseEvent(Closed, this);
    }

    internal void RemoveProducer(Producer producer)
    {
        _producers.Remove(producer.Id);
        foreach (var stream in producer.Streams)
        {
            _streamsBySsrc.Remove(stream.Ssrc);
            if (stream.RtxSsrc is { } rtxSsrc)
            {
                _streamsBySsrc.Remove(rtxSsrc);
            }
        }
    }

    internal void RemoveConsumer(Consumer consumer)
    {
        _consumers.Remove(consumer.Id);
        _consumersBySsrc.Remove(consumer.Ssrc);
        if (consumer.RtxSsrc is { } rtxSsrc)
        {
            _consumersBySsrc.Remove(rtxSsrc);
        }
    }

    private void EnsureRtcpTimer()
    {
        _rtcpTimer ??= Worker.Timers.StartPeriodic(RtcpIntervalMs, SendRtcpReports);
    }
}

/// <summary>Counters of one transport (a subset of mediasoup's transport stats).</summary>
public sealed record TransportStats
{
    /// <summary>The transport's id.</summary>
    public required string TransportId { get; init; }

    /// <summary>When the figures were taken.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Datagrams received (RTP, RTCP and dropped ones).</summary>
    public long PacketsReceived { get; init; }

    /// <summary>Bytes of all datagrams received.</summary>
    public long BytesReceived { get; init; }

    /// <summary>Datagrams sent.</summary>
    public long PacketsSent { get; init; }

    /// <summary>Bytes of all datagrams sent.</summary>
    public long BytesSent { get; init; }

    /// <summary>RTP packets routed to a producer.</summary>
    public long RtpPacketsReceived { get; init; }

    /// <summary>RTCP compound packets processed.</summary>
    public long RtcpPacketsReceived { get; init; }

    /// <summary>Dropped datagrams by reason (reasons with none left out).</summary>
    public required IReadOnlyDictionary<RtpDropReason, long> Dropped { get; init; }

    /// <summary>Open producers on the transport.</summary>
    public int ProducerCount { get; init; }

    /// <summary>Open consumers on the transport.</summary>
    public int ConsumerCount { get; init; }
}
