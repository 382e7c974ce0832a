namespace Parley.Media.Routing;

/// <summary>
/// Timers of one worker, run on its thread between packets. A timer is a callback with a due time; periodic timers
/// re-arm themselves. Cancelled timers stay in the heap until they come due, then are dropped. A callback that throws
/// is cancelled and handed to the fault handler (the worker), which counts it, logs it and closes the timer's owner:
/// one broken timer must not end the thread that every room on the worker shares.
/// </summary>
/// <param name="onFault">Called on the worker thread with a timer whose callback threw (already cancelled).</param>
internal sealed class WorkerTimers(Action<WorkerTimer, Exception> onFault)
{
    private readonly PriorityQueue<WorkerTimer, long> _heap = new();
    private long _now;
    private int _active;

    /// <summary>Timers armed and not cancelled (0 when nothing leaks).</summary>
    public int ActiveCount => Volatile.Read(ref _active);

    /// <summary>Milliseconds on the worker's clock as of the last run.</summary>
    public long Now => _now;

    /// <summary>
    /// Arms a timer that calls <paramref name="callback"/> every <paramref name="periodMs"/> until cancelled;
    /// <paramref name="owner"/> is what a fault in it leaves broken (closed when it throws).
    /// </summary>
    public WorkerTimer StartPeriodic(int periodMs, Action callback, IWorkerCallbackOwner? owner = null)
    {
        var timer = new WorkerTimer(this, callback, periodMs, owner);
        Interlocked.Increment(ref _active);
        _heap.Enqueue(timer, _now + periodMs);
        return timer;
    }

    /// <summary>Moves the clock without running timers (they run at the next <see cref="RunDue"/>).</summary>
    public void AdvanceTo(long now) => _now = now;

    /// <summary>Runs every timer due at <paramref name="now"/>; returns when the next one is due (long.MaxValue: none).</summary>
    public long RunDue(long now)
    {
        _now = now;
        while (_heap.TryPeek(out var timer, out var due))
        {
            if (timer.IsCancelled)
            {
                _heap.Dequeue();
                continue;
            }

            if (due > now)
            {
                return due;
            }

            _heap.Dequeue();
            try
            {
                timer.Callback();
            }
            catch (Exception e)
            {
                timer.Cancel();
                onFault(timer, e);
            }

            if (!timer.IsCancelled)
            {
                _heap.Enqueue(timer, now + timer.PeriodMs);
            }
        }

        return long.MaxValue;
    }

    internal void OnCancelled() => Interlocked.Decrement(ref _active);
}

/// <summary>A periodic timer of a <see cref="WorkerTimers"/>.</summary>
internal sealed class WorkerTimer(WorkerTimers timers, Action callback, int periodMs, IWorkerCallbackOwner? owner)
{
    public Action Callback { get; } = callback;

    public int PeriodMs { get; } = periodMs;

    /// <summary>What the timer works for, closed when its callback throws; null for none.</summary>
    public IWorkerCallbackOwner? Owner { get; } = owner;

    public bool IsCancelled { get; private set; }

    public void Cancel()
    {
        if (!IsCancelled)
        {
            IsCancelled = true;
            timers.OnCancelled();
        }
    }
}

/// <summary>An object whose callbacks run on a worker (a transport, an observer): closed when one of them throws.</summary>
internal interface IWorkerCallbackOwner
{
    /// <summary>On the worker thread, after one of its callbacks threw: closes the owner, with an event saying why.</summary>
    void OnCallbackFault(Exception exception);
}
