namespace Parley.Media.Routing;

/// <summary>
/// One <see cref="Worker"/> per core. A router lives on one worker, chosen as the one with the fewest routers; a
/// router's producers reach consumers on that worker only (piping between workers, mediasoup's <c>pipeToRouter</c>,
/// is not built).
/// </summary>
public sealed class WorkerPool : IAsyncDisposable
{
    private readonly Worker[] _workers;

    /// <summary>Starts <paramref name="workerCount"/> workers (default: one per processor) that log nowhere.</summary>
    public WorkerPool(int? workerCount = null)
        : this(new WorkerPoolOptions { WorkerCount = workerCount })
    {
    }

    /// <summary>Starts the workers <paramref name="options"/> describe.</summary>
    public WorkerPool(WorkerPoolOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var count = options.WorkerCount ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1, nameof(options));
        _workers = new Worker[count];
        for (var i = 0; i < count; i++)
        {
            _workers[i] = new Worker($"parley-worker-{i}", portableWait: false, loggerFactory: options.LoggerFactory, maxQueueDelay: options.MaxQueueDelay);
        }
    }

    /// <summary>The workers, in start order.</summary>
    public IReadOnlyList<Worker> Workers => _workers;

    /// <summary>Creates a router on the least-loaded worker.</summary>
    public Task<Router> CreateRouterAsync(RouterOptions? options = null) => PickWorker().CreateRouterAsync(options);

    /// <summary>The open worker with the fewest routers.</summary>
    public Worker PickWorker()
    {
        Worker? best = null;
        foreach (var worker in _workers)
        {
            if (!worker.IsClosed && (best is null || worker.RouterCount < best.RouterCount))
            {
                best = worker;
            }
        }

        return best ?? throw new ObjectDisposedException(nameof(WorkerPool));
    }

    /// <summary>Closes every worker.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.CloseAsync().ConfigureAwait(false);
        }
    }
}
