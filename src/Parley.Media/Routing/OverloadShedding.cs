namespace Parley.Media.Routing;

/// <summary>Where a worker that fell behind dropped a datagram too old to be worth forwarding.</summary>
internal enum OverloadDropReason
{
    /// <summary>It waited in the kernel's receive queue of one of the worker's own sockets (read with its arrival time).</summary>
    SocketBacklog,

    /// <summary>It waited in the worker's queue (datagrams of the shared WebRTC port, or read by the runtime).</summary>
    WorkerQueue,
}

/// <summary>
/// Bounded latency under overload: a datagram that waited longer than the budget before the worker took it is dropped
/// there, before any work is spent on it. Queues are first in, first out, so the datagrams dropped are always the
/// oldest ones, and every datagram forwarded waited at most the budget: a worker past its capacity loses the excess
/// instead of delaying everything by seconds. Late media is worthless in a meeting; a receiver asks again (NACK,
/// keyframe request) for what it misses. Pure: the caller gives both times, in one clock's units.
/// </summary>
internal readonly struct OverloadShedding
{
    /// <summary>
    /// The default budget: under sustained overload what is forwarded waits about the budget plus a fan-out, so 80 ms
    /// keeps that under the 100 ms of added delay a meeting tolerates, while a worker held off its core for a moment
    /// (a shared machine, a burst of handshakes) does not shed: 50 ms did, and each datagram shed on the way in costs a
    /// NACK from every receiver and a second fan-out of the repair (docs/benchmarks.md, issue 12).
    /// </summary>
    public static readonly TimeSpan DefaultMaxQueueDelay = TimeSpan.FromMilliseconds(80);

    private readonly long _maxAge;

    /// <param name="maxAge">The budget, in the units of the times given to <see cref="IsTooLate"/>; 0 or less never drops.</param>
    public OverloadShedding(long maxAge) => _maxAge = maxAge;

    /// <summary>True when a datagram that arrived at <paramref name="arrivedAt"/> is too old at <paramref name="now"/>; an unknown arrival (0) never is.</summary>
    public bool IsTooLate(long arrivedAt, long now) => _maxAge > 0 && arrivedAt != 0 && now - arrivedAt > _maxAge;
}
