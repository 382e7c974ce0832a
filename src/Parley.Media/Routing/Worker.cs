using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Media.Diagnostics;
using Parley.Media.Ortc;

namespace Parley.Media.Routing;

/// <summary>
/// One media thread that owns routers and everything in them (transports, producers, consumers). All media state is
/// touched only on this thread, so the per-packet path takes no locks. On Linux the thread is an event loop over its
/// transports' own sockets (it reads them itself); datagrams of the shared WebRTC port, and of every socket elsewhere,
/// arrive through one queue hop. Control calls from any thread are posted and awaited; timers run between packets.
/// Every callback the thread runs is guarded: a datagram handler that throws costs its datagram, a control call that
/// throws fails its task, a timer that throws is stopped and closes what it belongs to (a transport, with
/// <see cref="Transports.TransportCloseReason.Fault"/>); faults are counted and logged, and the thread carries on.
/// </summary>
public sealed partial class Worker : IAsyncDisposable
{
    private readonly ConcurrentQueue<WorkItem> _queue = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Thread _thread;
    private readonly Dictionary<string, Router> _routers = [];
    private readonly WorkerEventQueue _events = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _sleeping;
    private volatile bool _closing;
    private volatile int _routerCount;
    private int _openChannels;
    private long _failedDatagrams;
    private long _faults;
    private readonly long[] _overloadDrops = new long[2];
    private readonly OverloadShedding _queueShedding;
    private readonly MediaStatisticsRegistry _registry;
    private readonly MediaTrafficTotals _closedTraffic = new();
    private WorkerStatistics _statistics = WorkerStatistics.Empty;
    private long _nextStatisticsAt;

    /// <summary>Starts a worker thread.</summary>
    /// <param name="name">A name for the thread and for logs; a short id when omitted.</param>
    public Worker(string? name = null)
        : this(name, portableWait: false)
    {
    }

    /// <summary>Starts a worker thread that logs its faults (and the transports they close) to <paramref name="loggerFactory"/>.</summary>
    /// <param name="name">A name for the thread and for logs; a short id when null.</param>
    /// <param name="loggerFactory">Where the worker logs (category <c>Parley.Media.Worker</c>).</param>
    public Worker(string? name, ILoggerFactory loggerFactory)
        : this(name, portableWait: false, loggerFactory: loggerFactory)
    {
    }

    /// <param name="name">A name for the thread and for logs.</param>
    /// <param name="portableWait">Sleep on an event and let the runtime read sockets, as on platforms without epoll.</param>
    /// <param name="registry">Where the meter finds this worker's statistics (tests pass their own).</param>
    /// <param name="loggerFactory">Where the worker logs; nowhere when null.</param>
    /// <param name="maxQueueDelay">How long a received datagram may wait before it is dropped (<see cref="OverloadShedding"/>); the default when null.</param>
    /// <param name="batchSends">Send the copies for the shared WebRTC port in batches (<see cref="Net.UdpSendBatch"/>) where the platform can.</param>
    internal Worker(string? name, bool portableWait, MediaStatisticsRegistry? registry = null, ILoggerFactory? loggerFactory = null, TimeSpan? maxQueueDelay = null, bool batchSends = true)
    {
        SendBatch = batchSends && Net.UdpSendBatch.IsSupported ? new Net.UdpSendBatch() : null;
        MaxQueueDelay = maxQueueDelay ?? OverloadShedding.DefaultMaxQueueDelay;
        _queueShedding = new OverloadShedding((long)(MaxQueueDelay.TotalSeconds * Stopwatch.Frequency));
        SocketShedding = new OverloadShedding((long)(MaxQueueDelay.TotalMilliseconds * 1_000_000));
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(MediaEngineLog.WorkerCategory);
        Timers = new WorkerTimers(OnTimerFault);
        _registry = registry ?? MediaMetrics.Registry;
        _nextStatisticsAt = (long)MediaMetrics.RefreshInterval.TotalMilliseconds;
        Waiter = WorkerWaiter.Create(portableWait);
        Id = Guid.NewGuid().ToString();
        Name = name ?? "parley-worker-" + Id[..8];
        _thread = new Thread(Run) { IsBackground = true, Name = Name };
        _registry.Add(this);
        _thread.Start();
    }

    /// <summary>Unique id of this worker.</summary>
    public string Id { get; }

    /// <summary>The thread's name.</summary>
    public string Name { get; }

    /// <summary>Number of open routers on this worker (what <see cref="WorkerPool"/> balances).</summary>
    public int RouterCount => _routerCount;

    /// <summary>True once <see cref="CloseAsync"/> has begun.</summary>
    public bool IsClosed => _closing;

    /// <summary>Raised (on a thread-pool thread) when the worker has closed.</summary>
    public event EventHandler? Closed;

    /// <summary>
    /// Raised (on a thread-pool thread) when handling a received datagram threw; the datagram was dropped and the
    /// worker carried on. Every occurrence is a bug; the worker logs it at Error.
    /// </summary>
    public event EventHandler<Exception>? DatagramFailed;

    /// <summary>Datagrams dropped because their handling threw (see <see cref="DatagramFailed"/>).</summary>
    public long FailedDatagramCount => Interlocked.Read(ref _failedDatagrams);

    /// <summary>
    /// Other callbacks on the worker thread that threw (timers, the loop's own work); the worker carried on, and what a
    /// timer belonged to was closed. Every one is a bug, logged at Error.
    /// </summary>
    public long FaultCount => Interlocked.Read(ref _faults);

    /// <summary>How long a received datagram may wait (in a socket's queue or the worker's) before it is dropped unhandled.</summary>
    public TimeSpan MaxQueueDelay { get; }

    /// <summary>Datagrams dropped because they waited longer than <see cref="MaxQueueDelay"/>, by where they waited.</summary>
    internal long GetOverloadDropCount(OverloadDropReason reason) => Interlocked.Read(ref _overloadDrops[(int)reason]);

    /// <summary>The budget in nanoseconds of the kernel's receive timestamps (<see cref="Net.UdpChannel"/>).</summary>
    internal OverloadShedding SocketShedding { get; }

    /// <summary>Counts a datagram dropped for its age (worker thread, or the runtime's receive loop).</summary>
    internal void OnOverloadDrop(OverloadDropReason reason) => Interlocked.Increment(ref _overloadDrops[(int)reason]);

    /// <summary>Where the worker and everything on it log.</summary>
    internal ILogger Logger { get; }

    internal PacketBufferPool Buffers { get; } = new();

    internal WorkerTimers Timers { get; }

    /// <summary>Where consumers build their outgoing copy of a packet; used only on the worker thread, one packet at a time.</summary>
    internal byte[] SendScratch { get; } = GC.AllocateUninitializedArray<byte>(PacketBufferPool.BufferLength, pinned: true);

    /// <summary>Outgoing datagrams to a shared UDP socket, sent together (null: one system call each); worker thread only.</summary>
    internal Net.UdpSendBatch? SendBatch { get; }

    /// <summary>Where a transport encrypts an outgoing packet; worker thread only.</summary>
    internal byte[] SrtpScratch { get; } = GC.AllocateUninitializedArray<byte>(PacketBufferPool.BufferLength, pinned: true);

    /// <summary>Where the worker reads a datagram from one of its own sockets; worker thread only.</summary>
    internal byte[] ReceiveScratch { get; } = GC.AllocateUninitializedArray<byte>(PacketBufferPool.BufferLength, pinned: true);

    /// <summary>How the thread sleeps; on Linux also the poller of its transports' sockets.</summary>
    internal WorkerWaiter Waiter { get; }

    /// <summary>Where a received RTX packet is restored to its original form; worker thread only.</summary>
    internal byte[] RepairScratch { get; } = GC.AllocateUninitializedArray<byte>(PacketBufferPool.BufferLength, pinned: true);

    /// <summary>Sockets of this worker's transports still open (0 when nothing leaks).</summary>
    internal int OpenChannelCount => Volatile.Read(ref _openChannels);

    internal bool IsWorkerThread => Thread.CurrentThread == _thread;

    /// <summary>The latest snapshot <see cref="PublishStatistics"/> made; any thread.</summary>
    internal WorkerStatistics Statistics => Volatile.Read(ref _statistics);

    /// <summary>Brings <see cref="WorkerTimers.Now"/> up to date between datagrams of one batch, without running timers.</summary>
    internal void AdvanceClock() => Timers.AdvanceTo(_clock.ElapsedMilliseconds);

    /// <summary>Creates a router on this worker.</summary>
    /// <param name="options">Media codecs (default <see cref="RouterDefaults.MediaCodecs"/>) and app data.</param>
    /// <exception cref="OrtcException">A media codec is malformed or unsupported.</exception>
    public Task<Router> CreateRouterAsync(RouterOptions? options = null)
    {
        options ??= new RouterOptions();
        var capabilities = OrtcRules.GenerateRouterRtpCapabilities(options.MediaCodecs ?? RouterDefaults.MediaCodecs);
        return InvokeAsync(() =>
        {
            var router = new Router(this, capabilities, options.AppData) { StreamInactivityMs = options.StreamInactivityMs };
            _routers.Add(router.Id, router);
            _routerCount = _routers.Count;
            return router;
        });
    }

    /// <summary>Closes every router and stops the thread. Further calls do nothing.</summary>
    public async Task CloseAsync()
    {
        if (_closing)
        {
            await _stopped.Task.ConfigureAwait(false);
            return;
        }

        await InvokeAsync(() =>
        {
            foreach (var router in _routers.Values.ToArray())
            {
                router.CloseOnWorker();
            }

            PublishStatistics();
            _closing = true;
        }).ConfigureAwait(false);
        Wake();
        await _stopped.Task.ConfigureAwait(false);
        _registry.Remove(this);
        RaiseEvent(Closed, this);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(CloseAsync());

    internal void OnChannelOpened() => Interlocked.Increment(ref _openChannels);

    internal void OnChannelClosed() => Interlocked.Decrement(ref _openChannels);

    /// <summary>
    /// On the worker thread: sums the live routers, transports, producers and consumers and what closed ones carried
    /// into a new snapshot for the meter (<see cref="MediaMetrics"/>), which reads it from its own threads.
    /// </summary>
    internal void PublishStatistics()
    {
        var builder = new WorkerStatisticsBuilder(_closedTraffic);
        builder.Counts.Routers = _routers.Count;
        foreach (var router in _routers.Values)
        {
            router.AddStatisticsTo(builder);
        }

        Volatile.Write(ref _statistics, builder.Build());
    }

    /// <summary>On the worker thread: keeps a closing transport's cumulative counts in the worker's totals.</summary>
    internal void OnTransportClosed(Transports.Transport transport) => transport.AddTrafficTo(_closedTraffic);

    internal void OnRouterClosed(Router router)
    {
        _routers.Remove(router.Id);
        _routerCount = _routers.Count;
    }

    /// <summary>Runs <paramref name="action"/> on the worker thread and completes with its result or exception.</summary>
    internal Task<T> InvokeAsync<T>(Func<T> action)
    {
        if (IsWorkerThread)
        {
            try
            {
                return Task.FromResult(action());
            }
            catch (Exception e)
            {
                return Task.FromException<T>(e);
            }
        }

        var call = new WorkerCall<T>(action);
        EnqueueCall(call);
        return call.Task;
    }

    internal Task InvokeAsync(Action action) => InvokeAsync(() =>
    {
        action();
        return true;
    });

    /// <summary>Queues a call that nobody awaits (e.g. a transport's periodic tick); the same object may be queued again.</summary>
    internal void Post(WorkerCallBase call) => EnqueueCall(call);

    /// <summary>Queues a control call; it is abandoned (its task fails) if the worker has stopped.</summary>
    private void EnqueueCall(WorkerCallBase call)
    {
        if (_stopped.Task.IsCompleted)
        {
            call.Abandon();
            return;
        }

        Enqueue(new WorkItem(call, null, null, 0, default, 0));
        if (_stopped.Task.IsCompleted)
        {
            // The loop may have drained its queue for the last time before this call went in.
            AbandonQueued();
        }
    }

    /// <summary>
    /// Hands a received datagram (in a buffer rented from <see cref="Buffers"/>) to <paramref name="sink"/> on the worker
    /// thread; the worker returns the buffer afterwards. The one queue hop between socket and media thread.
    /// </summary>
    /// <param name="sink">Who handles it on the worker.</param>
    /// <param name="buffer">The datagram's buffer, rented from <see cref="Buffers"/>.</param>
    /// <param name="length">The datagram's length.</param>
    /// <param name="from">Where it came from.</param>
    /// <param name="arrivalTimestamp">When the datagram was read from its socket (<see cref="Stopwatch.GetTimestamp"/>), or 0.</param>
    internal void PostDatagram(IDatagramSink sink, byte[] buffer, int length, in Net.TransportTuple from, long arrivalTimestamp = 0)
    {
        if (_stopped.Task.IsCompleted)
        {
            Buffers.Return(buffer);
            return;
        }

        Enqueue(new WorkItem(null, sink, buffer, length, from, arrivalTimestamp));
    }

    /// <summary>Raises an event off the worker thread, after every event raised before it (<see cref="WorkerEventQueue"/>).</summary>
    internal void RaiseEvent(EventHandler? handler, object sender)
    {
        if (handler is not null)
        {
            _events.Post(() => handler(sender, EventArgs.Empty));
        }
    }

    private void Enqueue(in WorkItem item)
    {
        _queue.Enqueue(item);
        if (Volatile.Read(ref _sleeping) == 1)
        {
            Wake();
        }
    }

    private void Wake()
    {
        if (Interlocked.CompareExchange(ref _sleeping, 0, 1) == 1)
        {
            Waiter.Signal();
        }
    }

    private void Run()
    {
        while (true)
        {
            var processed = 0;
            while (_queue.TryDequeue(out var item))
            {
                Process(item);
                if (++processed == 256)
                {
                    Timers.RunDue(_clock.ElapsedMilliseconds);
                    processed = 0;
                }
            }

            var nextDue = Timers.RunDue(_clock.ElapsedMilliseconds);
            if (_closing)
            {
                break;
            }

            nextDue = Math.Min(nextDue, RefreshStatisticsIfDue());

            // What timers and control calls sent goes out before the thread may sleep.
            FlushSends();

            // Sockets are polled on every turn, so busy queues never starve them; the wait only blocks when idle.
            Interlocked.Exchange(ref _sleeping, 1);
            var timeout = !_queue.IsEmpty ? 0
                : nextDue == long.MaxValue ? 1000 : (int)Math.Clamp(nextDue - _clock.ElapsedMilliseconds, 0, 1000);
            if (timeout == 0)
            {
                Interlocked.Exchange(ref _sleeping, 0);
            }

            var ready = Waiter.Wait(timeout);
            Interlocked.Exchange(ref _sleeping, 0);
            if (ready > 0)
            {
                // The clock moves on before the datagrams are handled: the wait may have lasted up to a second.
                Timers.RunDue(_clock.ElapsedMilliseconds);
                DispatchReady(ready);
            }
        }

        Waiter.Dispose();
        _stopped.TrySetResult();
        AbandonQueued();
    }

    /// <summary>
    /// The statistics refresh is the loop's own timer, apart from <see cref="Timers"/> (whose count tells leaks of
    /// transports' timers); returns when it is next due.
    /// </summary>
    private long RefreshStatisticsIfDue()
    {
        // The clock as the timers just read it: no second read of the stopwatch per loop turn.
        var now = Timers.Now;
        if (now >= _nextStatisticsAt)
        {
            _nextStatisticsAt = now + (long)MediaMetrics.RefreshInterval.TotalMilliseconds;
            try
            {
                PublishStatistics();
            }
            catch (Exception e)
            {
                OnLoopFault(e, "statistics");
            }
        }

        return _nextStatisticsAt;
    }

    /// <summary>Reads the ready sockets; a socket's own reads guard their handlers, this guards the rest of the turn.</summary>
    private void DispatchReady(int ready)
    {
        try
        {
            Waiter.DispatchReady(ready);
        }
        catch (Exception e)
        {
            OnLoopFault(e, "socket dispatch");
        }
    }

    /// <summary>A timer's callback threw (the timer is stopped): counted, logged, and its owner closed.</summary>
    private void OnTimerFault(WorkerTimer timer, Exception exception)
    {
        Interlocked.Increment(ref _faults);
        MediaEngineLog.TimerFailed(Logger, exception, Name);
        if (timer.Owner is not { } owner)
        {
            return;
        }

        try
        {
            owner.OnCallbackFault(exception);
        }
        catch (Exception e)
        {
            OnLoopFault(e, "closing after a timer fault");
        }
    }

    private void OnLoopFault(Exception exception, string work)
    {
        Interlocked.Increment(ref _faults);
        MediaEngineLog.LoopWorkFailed(Logger, exception, Name, work);
    }

    private void AbandonQueued()
    {
        while (_queue.TryDequeue(out var leftover))
        {
            if (leftover.Buffer is not null)
            {
                Buffers.Return(leftover.Buffer);
            }
            else
            {
                leftover.Call?.Abandon();
            }
        }
    }

    private void Process(in WorkItem item)
    {
        if (item.Call is not null)
        {
            item.Call.Execute();
            return;
        }

        if (_queueShedding.IsTooLate(item.ArrivalTimestamp, Stopwatch.GetTimestamp()))
        {
            OnOverloadDrop(OverloadDropReason.WorkerQueue);
            Buffers.Return(item.Buffer!);
            return;
        }

        try
        {
            item.Sink!.OnDatagram(item.Buffer.AsSpan(0, item.Length), item.From, item.ArrivalTimestamp);
        }
        catch (Exception e)
        {
            OnDatagramFault(e);
        }
        finally
        {
            Buffers.Return(item.Buffer!);
        }

        FlushSends();
    }

    /// <summary>Sends what the last datagram's fan-out (or a timer, or a call) batched; every datagram ends with it.</summary>
    internal void FlushSends()
    {
        if (SendBatch is not { Count: > 0 } batch)
        {
            return;
        }

        try
        {
            batch.Flush();
        }
        catch (Exception e)
        {
            OnLoopFault(e, "sending a batch");
        }
    }

    /// <summary>
    /// A datagram's handler threw: a bug, but one packet must not take the worker (and every room on it) down. The
    /// datagram is dropped, counted and logged, and <see cref="DatagramFailed"/> tells the application.
    /// </summary>
    internal void OnDatagramFault(Exception exception)
    {
        Interlocked.Increment(ref _failedDatagrams);
        MediaEngineLog.DatagramFailed(Logger, exception, Name);
        RaiseEvent(DatagramFailed, this, exception);
    }

    private readonly record struct WorkItem(WorkerCallBase? Call, IDatagramSink? Sink, byte[]? Buffer, int Length, Net.TransportTuple From, long ArrivalTimestamp);
}

/// <summary>A control call queued to a worker: run on its thread, or abandoned when the worker has stopped.</summary>
internal abstract class WorkerCallBase
{
    public abstract void Execute();

    public abstract void Abandon();
}

/// <summary>A control call whose result (or exception) completes a task, continued off the worker thread.</summary>
internal sealed class WorkerCall<T>(Func<T> action) : WorkerCallBase
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _completion.Task;

    public override void Execute()
    {
        try
        {
            _completion.TrySetResult(action());
        }
        catch (Exception e)
        {
            _completion.TrySetException(e);
        }
    }

    public override void Abandon() => _completion.TrySetException(new ObjectDisposedException("Worker", "The worker is closed."));
}

/// <summary>Receives datagrams on the worker thread; the bytes are valid only during the call.</summary>
internal interface IDatagramSink
{
    /// <param name="datagram">The datagram, writable in place.</param>
    /// <param name="from">Where it came from.</param>
    /// <param name="arrivalTimestamp">When it was read from its socket (<see cref="Stopwatch.GetTimestamp"/>), or 0 where nobody needs it.</param>
    void OnDatagram(Span<byte> datagram, in Net.TransportTuple from, long arrivalTimestamp);
}
