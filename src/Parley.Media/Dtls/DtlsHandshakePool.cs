namespace Parley.Media.Dtls;

/// <summary>
/// A bounded set of dedicated threads for BouncyCastle's blocking DTLS handshakes. Handshakes beyond
/// <see cref="MaxThreads"/> wait their turn in a queue; a thread that finds no work for a while exits.
/// After its handshake a <see cref="DtlsTransport"/> needs no thread: its records are read from the
/// queued datagrams by whichever thread feeds them.
/// </summary>
/// <remarks>
/// <para>There is one pool per role. A client handshake holds its thread while it waits for the server's
/// flights; if both ends of a session live in one process (tests, the load generator) and shared one
/// pool, clients could fill it while their servers wait behind them in the queue. Apart, a server's
/// handshake only runs once its client's ClientHello arrived, that is once the client holds a client
/// thread, so every running handshake's peer is running too and the queues always drain.</para>
/// <para>The bound is twice the cores, at least 4 and at most 16: a handshake holds its thread for a
/// round trip or two but uses the CPU for a few milliseconds of it, so more threads than cores keep
/// the cores busy while some wait for the peer, and the bound keeps a thousand joining browsers from
/// making a thousand threads.</para>
/// </remarks>
internal sealed class DtlsHandshakePool
{
    private const int ThreadStackSize = 256 * 1024;

    private readonly object _gate = new();
    private readonly Queue<Action> _queue = new();
    private readonly string _threadName;
    private readonly TimeSpan _idleTimeout;
    private int _threads;
    private int _idle;
    private int _peakThreads;

    internal DtlsHandshakePool(string threadName, int maxThreads, TimeSpan idleTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        _threadName = threadName;
        MaxThreads = maxThreads;
        _idleTimeout = idleTimeout;
    }

    /// <summary>Runs our server-role handshakes.</summary>
    internal static DtlsHandshakePool Server { get; } = new("dtls-hs-server", DefaultMaxThreads, TimeSpan.FromSeconds(10));

    /// <summary>Runs our client-role handshakes.</summary>
    internal static DtlsHandshakePool Client { get; } = new("dtls-hs-client", DefaultMaxThreads, TimeSpan.FromSeconds(10));

    internal static int DefaultMaxThreads => Math.Clamp(2 * Environment.ProcessorCount, 4, 16);

    /// <summary>At most this many handshakes run at once.</summary>
    internal int MaxThreads { get; }

    /// <summary>The threads alive now.</summary>
    internal int ThreadCount
    {
        get
        {
            lock (_gate)
                return _threads;
        }
    }

    /// <summary>The most threads ever alive at once.</summary>
    internal int PeakThreadCount
    {
        get
        {
            lock (_gate)
                return _peakThreads;
        }
    }

    /// <summary>Handshakes waiting for a thread.</summary>
    internal int QueuedCount
    {
        get
        {
            lock (_gate)
                return _queue.Count;
        }
    }

    internal static DtlsHandshakePool For(DtlsRole role) => role == DtlsRole.Server ? Server : Client;

    /// <summary>Queues a handshake; it must report its own failures and never throw.</summary>
    internal void Enqueue(Action handshake)
    {
        lock (_gate)
        {
            _queue.Enqueue(handshake);
            if (_idle > 0)
                Monitor.Pulse(_gate);

            // More waiting handshakes than idle threads (a woken thread may not have taken its one yet): add a thread.
            if (_queue.Count <= _idle || _threads >= MaxThreads)
                return;
            _threads++;
            _peakThreads = Math.Max(_peakThreads, _threads);
        }

        new Thread(Run, ThreadStackSize) { IsBackground = true, Name = _threadName }.Start();
    }

    private void Run()
    {
        while (true)
        {
            Action handshake;
            lock (_gate)
            {
                while (_queue.Count == 0)
                {
                    _idle++;
                    bool woken = Monitor.Wait(_gate, _idleTimeout);
                    _idle--;
                    if (!woken && _queue.Count == 0)
                    {
                        _threads--;
                        return;
                    }
                }

                handshake = _queue.Dequeue();
            }

            handshake();
        }
    }
}
