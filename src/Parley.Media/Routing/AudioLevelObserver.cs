namespace Parley.Media.Routing;

/// <summary>How an <see cref="AudioLevelObserver"/> samples (mediasoup's <c>AudioLevelObserverOptions</c> with one entry).</summary>
public sealed record AudioLevelObserverOptions
{
    /// <summary>How often the loudest producer is picked, in milliseconds (default 1000).</summary>
    public int IntervalMs { get; init; } = 1000;

    /// <summary>Producers quieter than this average level (dBov, -127 to 0) count as silent (default -80).</summary>
    public int Threshold { get; init; } = -80;
}

/// <summary>The loudest observed producer of an interval and its average level in dBov (-127 to 0).</summary>
/// <param name="Producer">The loudest producer.</param>
/// <param name="Volume">Its average audio level over the interval, in dBov.</param>
public readonly record struct AudioLevelVolume(Producer Producer, int Volume);

/// <summary>
/// mediasoup's AudioLevelObserver: reads the <c>ssrc-audio-level</c> header extension (RFC 6464) of the audio producers
/// added to it and, every interval, reports the loudest one above the threshold (<see cref="Volumes"/>), or
/// <see cref="Silence"/> once when none is. Paused producers count as silent.
/// </summary>
public sealed class AudioLevelObserver : IWorkerCallbackOwner
{
    private readonly List<Producer> _producers = [];
    private readonly AudioLevelObserverOptions _options;
    private readonly WorkerTimer _timer;
    private bool _silent = true;
    private bool _closed;

    internal AudioLevelObserver(Router router, AudioLevelObserverOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.IntervalMs, 50, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Threshold, 0, nameof(options));
        Router = router;
        _options = options;
        _timer = router.Worker.Timers.StartPeriodic(options.IntervalMs, OnInterval, this);
    }

    /// <summary>The router whose producers it observes.</summary>
    public Router Router { get; }

    /// <summary>Raised (on a thread-pool thread) every interval in which some producer was above the threshold.</summary>
    public event EventHandler<AudioLevelVolume>? Volumes;

    /// <summary>Raised (on a thread-pool thread) once when every producer has fallen silent.</summary>
    public event EventHandler? Silence;

    /// <summary>Observes an audio producer of the router (one without the extension is always silent).</summary>
    /// <exception cref="KeyNotFoundException">No such producer in the router.</exception>
    public Task AddProducerAsync(string producerId) => Router.Worker.InvokeAsync(() =>
    {
        if (!Router.TryGetProducer(producerId, out var producer) || producer.IsClosed)
        {
            throw new KeyNotFoundException($"Producer {producerId} not found.");
        }

        if (!_producers.Contains(producer))
        {
            producer.TakeAudioLevel(out _); // start from now
            _producers.Add(producer);
        }
    });

    /// <summary>Stops observing a producer (closed producers are dropped on their own).</summary>
    public Task RemoveProducerAsync(string producerId) => Router.Worker.InvokeAsync(() => _producers.RemoveAll(p => p.Id == producerId));

    /// <summary>Stops sampling.</summary>
    public Task CloseAsync() => Router.Worker.InvokeAsync(CloseOnWorker);

    /// <summary>Its timer threw: it stops observing (the router and its transports carry on).</summary>
    void IWorkerCallbackOwner.OnCallbackFault(Exception exception) => CloseOnWorker();

    internal void CloseOnWorker()
    {
        _closed = true;
        _timer.Cancel();
        _producers.Clear();
    }

    private void OnInterval()
    {
        if (_closed)
        {
            return;
        }

        _producers.RemoveAll(p => p.IsClosed);
        Producer? loudest = null;
        var loudestVolume = int.MinValue;
        foreach (var producer in _producers)
        {
            if (producer.TakeAudioLevel(out var volume) && volume >= _options.Threshold && volume > loudestVolume)
            {
                loudest = producer;
                loudestVolume = volume;
            }
        }

        if (loudest is not null)
        {
            _silent = false;
            if (Volumes is { } handler)
            {
                Router.Worker.RaiseEvent(handler, this, new AudioLevelVolume(loudest, loudestVolume));
            }
        }
        else if (!_silent)
        {
            _silent = true;
            Router.Worker.RaiseEvent(Silence, this);
        }
    }
}
