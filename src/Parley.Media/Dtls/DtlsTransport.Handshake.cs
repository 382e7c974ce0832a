using Org.BouncyCastle.Tls;
using BcDtlsTransport = Org.BouncyCastle.Tls.DtlsTransport;

namespace Parley.Media.Dtls;

/// <summary>The handshake: queued on a <see cref="DtlsHandshakePool"/>, run there, or given up before it began.</summary>
internal sealed partial class DtlsTransport
{
    private const int HandshakeNotQueued = 0;
    private const int HandshakeQueued = 1;
    private const int HandshakeRunning = 2;
    private const int HandshakeOver = 3;

    private readonly Func<DtlsRole, DtlsHandshakePool>? _handshakePools;
    private readonly ManualResetEventSlim _handshakeEnded = new();
    private int _handshakeJob;
    private Thread? _handshakeThread;
    private Timer? _handshakeDeadline;

    /// <summary>For tests: the handshake runs on the pool <paramref name="handshakePools"/> picks for our role.</summary>
    internal DtlsTransport(DtlsCertificate certificate, DtlsDatagramSender sender, DtlsTransportOptions? options, Func<DtlsRole, DtlsHandshakePool> handshakePools)
        : this(certificate, sender, options)
    {
        _handshakePools = handshakePools;
    }

    /// <summary>Queues the handshake once: at start for a client, on the first datagram for a server.</summary>
    private void QueueHandshake()
    {
        if (Interlocked.CompareExchange(ref _handshakeJob, HandshakeQueued, HandshakeNotQueued) == HandshakeNotQueued)
            _pool!.Enqueue(RunHandshake);
    }

    /// <summary>Ends a handshake that has not got a thread yet; false once a pool thread took it.</summary>
    private bool TryCancelQueuedHandshake()
    {
        if (Interlocked.CompareExchange(ref _handshakeJob, HandshakeOver, HandshakeNotQueued) != HandshakeNotQueued
            && Interlocked.CompareExchange(ref _handshakeJob, HandshakeOver, HandshakeQueued) != HandshakeQueued)
            return false;

        DisarmHandshakeDeadline();
        _handshakeEnded.Set();
        return true;
    }

    /// <summary>
    /// A handshake that runs is timed by BouncyCastle (with what is left of the timeout); this timer
    /// covers the time before: a server whose peer never sends a ClientHello, a handshake still queued.
    /// </summary>
    private void ArmHandshakeDeadline()
    {
        long remaining = Math.Max(0, _handshake!.Deadline - Environment.TickCount64);
        var timer = new Timer(static state => ((DtlsTransport)state!).OnHandshakeDeadline(), this, Timeout.Infinite, Timeout.Infinite);
        Volatile.Write(ref _handshakeDeadline, timer);
        timer.Change(remaining, Timeout.Infinite);
    }

    private void DisarmHandshakeDeadline() => Interlocked.Exchange(ref _handshakeDeadline, null)?.Dispose();

    private void OnHandshakeDeadline()
    {
        if (!TryCancelQueuedHandshake())
            return;
        _datagrams.Close();
        Finish(new TlsTimeoutException("The handshake timed out before it began."));
    }

    private void WaitForHandshakeThread()
    {
        // On the handshake thread itself (a state handler closing us) there is nothing to wait for.
        if (Volatile.Read(ref _handshakeThread) != Thread.CurrentThread)
            _handshakeEnded.Wait(TimeSpan.FromSeconds(5));
    }

    /// <summary>On a pool thread.</summary>
    private void RunHandshake()
    {
        if (Interlocked.CompareExchange(ref _handshakeJob, HandshakeRunning, HandshakeQueued) != HandshakeQueued)
            return;

        Volatile.Write(ref _handshakeThread, Thread.CurrentThread);
        try
        {
            HandshakeThenReadQueuedRecords();
        }
        catch (Exception e)
        {
            // Last resort: an exception escaping a pool thread would take the whole process down.
            Finish(e);
        }
        finally
        {
            Volatile.Write(ref _handshakeThread, null);
            Volatile.Write(ref _handshakeJob, HandshakeOver);
            DisarmHandshakeDeadline();
            _handshakeEnded.Set();
        }
    }

    private void HandshakeThenReadQueuedRecords()
    {
        if (_handshake!.IsPastDeadline)
        {
            _datagrams.Close();
            Finish(new TlsTimeoutException("The handshake timed out while it waited for a handshake thread."));
            return;
        }

        BcDtlsTransport connection;
        try
        {
            connection = _peer is DtlsSrtpServer server
                ? new DtlsServerProtocol().Accept(server, _datagrams)
                : new DtlsClientProtocol().Connect((DtlsSrtpClient)_peer!, _datagrams);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException)
        {
            Finish(e);
            return;
        }

        bool closeRequested;
        lock (_gate)
        {
            _connection = connection;
            closeRequested = _closeRequested;
        }

        if (closeRequested || _handshake.Keys is null)
        {
            if (!closeRequested)
                _handshake.FailureReason ??= "The handshake completed without exporting SRTP keys.";
            connection.Close();
            _datagrams.Close();
            Finish(null);
            return;
        }

        DisarmHandshakeDeadline();
        ChangeState(DtlsState.Connected, null);

        // From here on no thread waits for this session: records are read as datagrams are fed.
        _datagrams.EnterRecordMode();
        Volatile.Write(ref _recordReader, connection);
        ReadQueuedRecords(connection);
    }
}
