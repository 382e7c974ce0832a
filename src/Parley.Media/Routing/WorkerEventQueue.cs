using System.Collections.Concurrent;

namespace Parley.Media.Routing;

/// <summary>
/// Carries a worker's events off its thread in the order the worker raised them. Handlers run on the thread pool so that
/// a slow one never stalls media, but one at a time: raised independently, a producer's pause and resume a moment apart
/// could reach a listener (and, through the server, a browser) the wrong way round.
/// </summary>
internal sealed class WorkerEventQueue
{
    private readonly ConcurrentQueue<Action> _pending = new();
    private int _draining;

    /// <summary>Queues <paramref name="raise"/> behind every event posted before it.</summary>
    public void Post(Action raise)
    {
        _pending.Enqueue(raise);
        ScheduleDrain();
    }

    private void ScheduleDrain()
    {
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static queue => queue.Drain(), this, preferLocal: false);
        }
    }

    private void Drain()
    {
        try
        {
            while (_pending.TryDequeue(out var raise))
            {
                raise();
            }
        }
        finally
        {
            // A handler that throws still takes the process down, as any unhandled thread-pool exception does; the
            // events behind it are handed to the next drain rather than stranded.
            Volatile.Write(ref _draining, 0);
            if (!_pending.IsEmpty)
            {
                ScheduleDrain();
            }
        }
    }
}
