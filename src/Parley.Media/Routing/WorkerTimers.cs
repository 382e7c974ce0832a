namespace Parley.Media.Routing;

/// <summary>
/// Timers of one worker, run on its thread between packets. A timer is a callback with a due time; periodic timers
/// re-arm themselves; an alarm (<see cref="CreateAlarm"/>) runs once each time it is armed, and re-arming it allocates
/// nothing (a pacer arms one per burst). Cancelled timers and alarm entries made stale by an earlier re-arm stay in the
/// heap until they come due, then are dropped. Resolution: the worker's millisecond clock. A callback that throws
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

    /// <summary>
    /// Creates an alarm: not due until <see cref="WorkerTimer.ArmAt"/> arms it, then run once at that time (the
    /// earliest, when armed again before it ran). Active until cancelled, armed or not.
    /// </summary>
    public WorkerTimer CreateAlarm(Action callback, IWorkerCallbackOwner? owner = null)
    {
        var timer = new WorkerTimer(this, callback, periodMs: 0, owner);
        Interlocked.Increment(ref _active);
        return timer;
    }

    internal void Arm(WorkerTimer alarm, long due) => _heap.Enqueue(alarm, due);

    /// <summary>Moves the clock without running timers (they run at the next <see cref="RunDue"/>).</summary>
    public void AdvanceTo(long now) => _now = now;

    /// <summary>Runs every timer due at <paramref name="now"/>; returns when the next one is due (long.MaxValue: none).</summary>
    public long RunDue(long now)
    {
        _now = now;
        while (_heap.TryPeek(out var timer, out var due))
        {
            if (timer.IsCancelled || (timer.IsAlarm && timer.ArmedAt != due))
            {
                _heap.Dequeue();
                continue;
            }

            if (due > now)
            {
                return due;
            }

            _heap.Dequeue();
            timer.ArmedAt = WorkerTimer.NotArmed;
            try
            {
                timer.Callback();
            }
            catch (Exception e)
            {
                timer.Cancel();
                onFault(timer, e);
            }

            if (!timer.IsCancelled && !timer.IsAlarm)
            {
                _heap.Enqueue(timer, now + timer.PeriodMs);
            }
        }

        return long.MaxValue;
    }

    internal void OnCancelled() => Interlocked.Decrement(ref _active);
}

/// <summary>A periodic timer or an alarm of a <see cref="WorkerTimers"/>.</summary>
internal sealed class WorkerTimer(WorkerTimers timers, Action callback, int periodMs, IWorkerCallbackOwner? owner)
{
    internal const long NotArmed = long.MinValue;

    public Action Callback { get; } = callback;

    /// <summary>The period; 0 for an alarm.</summary>
    public int PeriodMs { get; } = periodMs;

    public bool IsAlarm => PeriodMs == 0;

    /// <summary>When an alarm is due (<see cref="NotArmed"/>: not armed); its heap entries with another time are stale.</summary>
    internal long ArmedAt { get; set; } = NotArmed;

    /// <summary>
    /// Arms an alarm to run at <paramref name="dueMs"/> on the worker's clock, unless it is armed for that time or
    /// earlier already. Worker thread only.
    /// </summary>
    public void ArmAt(long dueMs)
    {
        if (!IsAlarm || IsCancelled || (ArmedAt != NotArmed && ArmedAt <= dueMs))
        {
            return;
        }

        ArmedAt = dueMs;
        timers.Arm(this, dueMs);
    }

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
