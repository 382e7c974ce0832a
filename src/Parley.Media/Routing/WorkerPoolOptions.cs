using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Parley.Media.Routing;

/// <summary>Settings of a <see cref="WorkerPool"/>.</summary>
public sealed class WorkerPoolOptions
{
    /// <summary>How many workers (threads) to start; one per processor when null.</summary>
    public int? WorkerCount { get; init; }

    /// <summary>
    /// Where the workers log (category <c>Parley.Media.Worker</c>): faults in their callbacks, and transports closed by
    /// a fault or a failure. Nowhere by default.
    /// </summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>
    /// How long a received datagram may wait for its worker before the worker drops it unhandled (80 ms by default):
    /// a worker past its capacity sheds the oldest datagrams instead of queueing seconds of media
    /// (<see cref="Worker.GetOverloadDropCount"/>). Zero never drops.
    /// </summary>
    public TimeSpan MaxQueueDelay { get; init; } = OverloadShedding.DefaultMaxQueueDelay;
}
