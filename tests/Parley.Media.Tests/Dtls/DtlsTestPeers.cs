using Parley.Media.Dtls;

namespace Parley.Media.Tests.Dtls;

/// <summary>Certificates are slow-ish to make and immutable, so tests share them.</summary>
internal static class TestCertificates
{
    internal static readonly DtlsCertificate Server = DtlsCertificate.Generate("Parley test server");
    internal static readonly DtlsCertificate Client = DtlsCertificate.Generate("Parley test client");
    internal static readonly DtlsCertificate Stranger = DtlsCertificate.Generate("Someone else");
}

/// <summary>
/// Two of our transports joined by an in-memory datagram pipe, with an optional filter that may
/// drop (or observe) each datagram in flight.
/// </summary>
internal sealed class DtlsPipe : IDisposable
{
    internal static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private int _serverDatagramIndex = -1;
    private int _clientDatagramIndex = -1;

    internal DtlsPipe(
        DtlsTransportOptions? serverOptions = null,
        DtlsTransportOptions? clientOptions = null,
        Func<int, byte[], bool>? dropFromServer = null,
        Func<int, byte[], bool>? dropFromClient = null,
        Func<DtlsRole, DtlsHandshakePool>? handshakePools = null)
    {
        handshakePools ??= DtlsHandshakePool.For;
        Server = new DtlsTransport(TestCertificates.Server, datagram =>
        {
            int index = Interlocked.Increment(ref _serverDatagramIndex);
            if (dropFromServer?.Invoke(index, datagram.ToArray()) != true)
                Client!.Feed(datagram);
        }, serverOptions, handshakePools);
        Client = new DtlsTransport(TestCertificates.Client, datagram =>
        {
            int index = Interlocked.Increment(ref _clientDatagramIndex);
            if (dropFromClient?.Invoke(index, datagram.ToArray()) != true)
                Server.Feed(datagram);
        }, clientOptions, handshakePools);
        ServerStates = StateRecorder.Attach(Server);
        ClientStates = StateRecorder.Attach(Client);
    }

    internal DtlsTransport Server { get; }

    internal DtlsTransport Client { get; }

    internal StateRecorder ServerStates { get; }

    internal StateRecorder ClientStates { get; }

    internal void Start(
        IReadOnlyList<DtlsFingerprint>? serverExpects = null,
        IReadOnlyList<DtlsFingerprint>? clientExpects = null)
    {
        Server.Start(DtlsRole.Server, serverExpects ?? TestCertificates.Client.Fingerprints);
        Client.Start(DtlsRole.Client, clientExpects ?? TestCertificates.Server.Fingerprints);
    }

    internal async Task ConnectAsync()
    {
        Start();
        await Task.WhenAll(ServerStates.WaitForAsync(DtlsState.Connected), ClientStates.WaitForAsync(DtlsState.Connected));
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}

/// <summary>Records every state a transport enters and lets a test await one.</summary>
internal sealed class StateRecorder
{
    private readonly object _gate = new();
    private readonly List<DtlsState> _states = [];
    private readonly Dictionary<DtlsState, string?> _reasons = [];
    private readonly List<(DtlsState State, TaskCompletionSource<string?> Done)> _waiters = [];

    internal IReadOnlyList<DtlsState> States
    {
        get
        {
            lock (_gate)
                return _states.ToArray();
        }
    }

    internal static StateRecorder Attach(DtlsTransport transport)
    {
        var recorder = new StateRecorder();
        transport.StateChanged += (_, e) => recorder.Record(e.State, e.Reason);
        return recorder;
    }

    /// <summary>Completes with the state's reason once entered; throws if a different terminal state comes first.</summary>
    internal async Task<string?> WaitForAsync(DtlsState state)
    {
        var done = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_reasons.TryGetValue(state, out string? reason))
                return reason;
            foreach (DtlsState terminal in new[] { DtlsState.Failed, DtlsState.Closed })
            {
                if (terminal != state && _reasons.TryGetValue(terminal, out string? other))
                    throw new InvalidOperationException($"Entered {terminal} ({other}) instead of {state}.");
            }
            _waiters.Add((state, done));
        }

        Task finished = await Task.WhenAny(done.Task, Task.Delay(DtlsPipe.Patience));
        if (finished != done.Task)
            throw new TimeoutException($"State {state} not reached; states so far: {string.Join(", ", States)}.");
        return await done.Task;
    }

    private void Record(DtlsState state, string? reason)
    {
        List<TaskCompletionSource<string?>> toComplete = [];
        List<TaskCompletionSource<string?>> toFail = [];
        lock (_gate)
        {
            _states.Add(state);
            _reasons[state] = reason;
            foreach (var waiter in _waiters.ToArray())
            {
                if (waiter.State == state)
                {
                    toComplete.Add(waiter.Done);
                    _waiters.Remove(waiter);
                }
                else if (state is DtlsState.Failed or DtlsState.Closed)
                {
                    toFail.Add(waiter.Done);
                    _waiters.Remove(waiter);
                }
            }
        }

        foreach (var done in toComplete)
            done.TrySetResult(reason);
        foreach (var done in toFail)
            done.TrySetException(new InvalidOperationException($"Entered {state} ({reason}) instead."));
    }
}
