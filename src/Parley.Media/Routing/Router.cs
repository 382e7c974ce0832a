using System.Collections.Concurrent;
using Parley.Media.Ortc;
using Parley.Media.Transports;

namespace Parley.Media.Routing;

/// <summary>
/// A media room on one worker: producers on any of its transports can be consumed on any other. Its RTP capabilities
/// (mediasoup's format) are what a client's device loads.
/// </summary>
public sealed class Router
{
    private readonly ConcurrentDictionary<string, Producer> _producers = new();
    private readonly Dictionary<string, Transport> _transports = [];
    private readonly List<AudioLevelObserver> _observers = [];
    private volatile bool _closed;

    internal Router(Worker worker, RtpCapabilities rtpCapabilities, object? appData)
    {
        Worker = worker;
        RtpCapabilities = rtpCapabilities;
        AppData = appData;
    }

    /// <summary>Unique id.</summary>
    public string Id { get; } = Guid.NewGuid().ToString();

    /// <summary>The worker whose thread runs this router.</summary>
    public Worker Worker { get; }

    /// <summary>The router's RTP capabilities; treat as read-only.</summary>
    public RtpCapabilities RtpCapabilities { get; }

    /// <summary>The application's data given at creation.</summary>
    public object? AppData { get; }

    /// <summary>True once closed.</summary>
    public bool IsClosed => _closed;

    /// <summary>See <see cref="RouterOptions.StreamInactivityMs"/>.</summary>
    internal int StreamInactivityMs { get; init; } = 1000;

    /// <summary>Raised (on a thread-pool thread) when the router closes, itself or with its worker.</summary>
    public event EventHandler? Closed;

    /// <summary>
    /// Creates a plain RTP/RTCP transport: one UDP socket (two without <c>rtcpMux</c>) on the listen address.
    /// </summary>
    /// <exception cref="System.Net.Sockets.SocketException">The port is taken.</exception>
    public Task<PlainTransport> CreatePlainTransportAsync(PlainTransportOptions? options = null) =>
        Worker.InvokeAsync(() =>
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            var transport = PlainTransport.Create(this, options ?? new PlainTransportOptions());
            _transports.Add(transport.Id, transport);
            return transport;
        });

    /// <summary>
    /// Creates a WebRTC transport for a browser on the shared ports of <see cref="WebRtcTransportOptions.WebRtcServer"/>;
    /// give its <see cref="WebRtcTransport.Info"/> to mediasoup-client's <c>createSendTransport/createRecvTransport</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Neither UDP nor TCP enabled.</exception>
    public Task<WebRtcTransport> CreateWebRtcTransportAsync(WebRtcTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Worker.InvokeAsync(() =>
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            var transport = WebRtcTransport.Create(this, options);
            _transports.Add(transport.Id, transport);
            return transport;
        });
    }

    /// <summary>
    /// Shorthand for <see cref="CreateWebRtcTransportAsync(WebRtcTransportOptions)"/> with UDP and TCP candidates.
    /// </summary>
    internal Task<WebRtcTransport> CreateWebRtcTransportAsync(
        Net.WebRtcServer server, Dtls.DtlsCertificate certificate, WebRtcConnectionOptions? options = null, object? appData = null) =>
        CreateWebRtcTransportAsync(new WebRtcTransportOptions { WebRtcServer = server, Certificate = certificate, Connection = options, AppData = appData });

    /// <summary>
    /// Whether a device with <paramref name="rtpCapabilities"/> can consume <paramref name="producerId"/>; false for an
    /// unknown producer or malformed capabilities. Callable from any thread.
    /// </summary>
    public bool CanConsume(string producerId, RtpCapabilities rtpCapabilities)
    {
        if (!_producers.TryGetValue(producerId, out var producer))
        {
            return false;
        }

        try
        {
            var caps = rtpCapabilities.Clone();
            OrtcRules.ValidateRtpCapabilities(caps);
            return OrtcRules.CanConsume(producer.ConsumableRtpParameters, caps);
        }
        catch (OrtcException)
        {
            return false;
        }
    }

    /// <summary>Creates an observer of the audio levels of producers of this router (mediasoup's <c>createAudioLevelObserver</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An interval under 50 ms or a threshold above 0 dBov.</exception>
    public Task<AudioLevelObserver> CreateAudioLevelObserverAsync(AudioLevelObserverOptions? options = null) => Worker.InvokeAsync(() =>
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        var observer = new AudioLevelObserver(this, options ?? new AudioLevelObserverOptions());
        _observers.Add(observer);
        return observer;
    });

    /// <summary>Closes every transport (and so every producer and consumer) of the router.</summary>
    public Task CloseAsync() => _closed ? Task.CompletedTask : Worker.InvokeAsync(CloseOnWorker);

    internal bool TryGetProducer(string producerId, out Producer producer) => _producers.TryGetValue(producerId, out producer!);

    internal void AddProducer(Producer producer) => _producers[producer.Id] = producer;

    internal void RemoveProducer(Producer producer) => _producers.TryRemove(producer.Id, out _);

    internal void RemoveTransport(Transport transport) => _transports.Remove(transport.Id);

    /// <summary>On the worker thread: adds the open transports (and their producers and consumers) to a snapshot.</summary>
    internal void AddStatisticsTo(Diagnostics.WorkerStatisticsBuilder builder)
    {
        foreach (var transport in _transports.Values)
        {
            transport.AddStatisticsTo(builder);
        }
    }

    internal void CloseOnWorker()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        foreach (var observer in _observers)
        {
            observer.CloseOnWorker();
        }

        _observers.Clear();
        foreach (var transport in _transports.Values.ToArray())
        {
            transport.CloseOnWorker(Transports.TransportCloseReason.RouterClosed);
        }

        Worker.OnRouterClosed(this);
        Worker.RaiseEvent(Closed, this);
    }
}
