using System.Runtime.CompilerServices;
using Parley.Media.Dtls;
using Parley.Media.Ice;
using Parley.Media.Net;
using Parley.Media.Routing;
using Parley.Media.Srtp;

namespace Parley.Media.Transports;

/// <summary>
/// The WebRTC transport layer of one peer connection on a <see cref="WebRtcServer"/>: an ICE-lite agent answers
/// checks and selects the tuple, a DTLS transport runs the handshake over it, and the exported keys drive SRTP.
/// Received SRTP/SRTCP is decrypted in place and handed to <see cref="RtpReceived"/> / <see cref="RtcpReceived"/>;
/// <see cref="SendRtp"/> / <see cref="SendRtcp"/> protect and send to the selected tuple.
/// </summary>
/// <remarks>
/// Threading: the connection belongs to one <see cref="Routing.Worker"/>. The server's I/O loops only demultiplex its
/// datagrams (still encrypted) and queue them to that worker, which runs everything else: STUN and ICE events, DTLS
/// records after the handshake, SRTP, the handlers, ticks. <see cref="SendRtp"/>, <see cref="SendRtcp"/>,
/// <see cref="Connect"/> and <see cref="RestartIce"/> are called on the worker too, so nothing here takes a lock.
/// The DTLS handshake itself runs on a handshake pool thread (see <see cref="DtlsTransport"/>), which raises
/// "connected" (after publishing the SRTP session) and handshake failures; <see cref="Close"/> may be called anywhere.
/// </remarks>
internal sealed partial class WebRtcConnection : IWebRtcServerTransport, IDisposable
{
    private readonly Worker _worker;
    private readonly IceLiteAgent _agent;
    private readonly WebRtcServerRegistration _registration;
    private readonly IceServerBinding _binding;
    private readonly DtlsTransport _dtls;
    private volatile IceParameters _localParameters;
    private StrongBox<TransportTuple>? _sendTuple;
    private SrtpSession? _srtp;
    private DtlsParameters? _remoteDtls;
    private bool _dtlsStarted;
    private int _closed;

    /// <summary>Creates the connection and registers it on <paramref name="server"/>; it answers ICE checks at once.</summary>
    /// <param name="server">The started server whose UDP/TCP ports carry this connection.</param>
    /// <param name="worker">The worker whose thread runs the connection.</param>
    /// <param name="certificate">Our DTLS certificate; its fingerprints go into <see cref="DtlsParameters"/>.</param>
    /// <param name="options">Options, or null for <see cref="WebRtcConnectionOptions.Default"/>.</param>
    public WebRtcConnection(WebRtcServer server, Worker worker, DtlsCertificate certificate, WebRtcConnectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(certificate);
        options ??= WebRtcConnectionOptions.Default;

        _worker = worker;
        _agent = new IceLiteAgent(consentTimeout: options.ConsentTimeout);
        _localParameters = _agent.LocalParameters;
        _agent.StateChanged += OnIceStateChanged;
        _agent.SelectedTupleChanged += OnSelectedTupleChanged;
        _dtls = new DtlsTransport(certificate, SendDtls, options.Dtls);
        _dtls.StateChanged += OnDtlsStateChanged;
        DtlsParameters = certificate.ToParameters(DtlsRole.Auto);
        _registration = server.Register(this, options.DedicatedUdpPort);
        _binding = new IceServerBinding(_agent, _registration);
    }

    /// <summary>The ICE state: new, connected, completed, disconnected or closed.</summary>
    public IceState IceState { get; private set; } = IceState.New;

    /// <summary>The DTLS state: new, connecting, connected, failed or closed.</summary>
    public DtlsState DtlsState => _dtls.State;

    /// <summary>Raised on the worker when <see cref="IceState"/> changes.</summary>
    public event Action<IceState>? IceStateChanged;

    /// <summary>Raised (on a handshake thread, the worker or the closing thread) when <see cref="DtlsState"/> changes; SRTP is ready before "connected" is raised.</summary>
    public event Action<DtlsState>? DtlsStateChanged;

    /// <summary>Raised on the worker when ICE selects another tuple to send to (null when none is left).</summary>
    public event Action<TransportTuple?>? SelectedTupleChanged;

    /// <summary>Each decrypted RTP packet, on the worker.</summary>
    public event MediaPacketHandler? RtpReceived;

    /// <summary>Each decrypted (compound) RTCP packet, on the worker.</summary>
    public event MediaPacketHandler? RtcpReceived;

    /// <summary>Our ICE parameters for signaling (mediasoup's <c>iceParameters</c>: usernameFragment, password, iceLite); any thread.</summary>
    public IceParameters IceParameters => _localParameters;

    /// <summary>Our host candidates for signaling (mediasoup's <c>iceCandidates</c>).</summary>
    public IReadOnlyList<IceCandidate> IceCandidates => _registration.LocalCandidates;

    /// <summary>Our DTLS parameters for signaling: role "auto" and the certificate's fingerprints.</summary>
    public DtlsParameters DtlsParameters { get; }

    /// <summary>The tuple media is sent to, once ICE selected one.</summary>
    public TransportTuple? SelectedTuple => Volatile.Read(ref _sendTuple)?.Value;

    /// <summary>The negotiated SRTP profile once DTLS connected.</summary>
    public SrtpProfile? SrtpProfile => Volatile.Read(ref _srtp)?.Send.Profile;

    /// <summary>
    /// The counters of the transport this connection carries (one set per transport): the connection counts the datagrams
    /// it takes in on validated tuples and its own drops; the transport counts what it sends.
    /// </summary>
    public TransportCounters Counters { get; } = new();

    /// <summary>The worker that runs this connection.</summary>
    public Worker Worker => _worker;

    /// <summary>
    /// Gives the remote DTLS parameters (mediasoup's <c>transport.connect({ dtlsParameters })</c>) and starts DTLS in
    /// the role they imply (<see cref="DtlsRoleNegotiation.ResolveLocalRole"/>): as server at once, waiting for the
    /// ClientHello; as client once ICE selected a tuple to send it on. On the worker.
    /// </summary>
    /// <exception cref="InvalidOperationException">Already connected, or closed.</exception>
    public void Connect(DtlsParameters remoteParameters)
    {
        ArgumentNullException.ThrowIfNull(remoteParameters);
        if (remoteParameters.Fingerprints.Count == 0)
            throw new ArgumentException("The remote DTLS parameters carry no fingerprint.", nameof(remoteParameters));
        if (Volatile.Read(ref _closed) != 0)
            throw new InvalidOperationException("The connection is closed.");
        if (_remoteDtls is not null)
            throw new InvalidOperationException("Connect was already called.");
        _remoteDtls = remoteParameters;
        StartDtlsWhenReady();
    }

    /// <summary>Restarts ICE with new local credentials (mediasoup's <c>restartIce</c>); returns them for signaling. On the worker.</summary>
    public IceParameters RestartIce()
    {
        if (Volatile.Read(ref _closed) != 0)
            throw new InvalidOperationException("The connection is closed.");
        _localParameters = _binding.RestartIce();
        return _localParameters;
    }

    /// <summary>Closes DTLS (sending close_notify), the registration, then ICE and SRTP on the worker. Idempotent; any thread.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;

        // DTLS first: closing mid-handshake waits for its pool thread, which may still publish an SRTP session.
        _dtls.Close();
        _registration.Dispose();
        if (_worker.IsWorkerThread)
        {
            CloseOnWorker();
            return;
        }

        // A worker that has stopped abandons the call: its thread is gone, so this thread may finish the close.
        _worker.InvokeAsync(CloseOnWorker).ContinueWith(
            static (task, state) => ((WebRtcConnection)state!).CloseOnWorker(),
            this,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    string IWebRtcServerTransport.LocalUsernameFragment => _agent.LocalParameters.UsernameFragment;

    Worker? IWebRtcServerTransport.Worker => _worker;

    void IWebRtcServerTransport.OnTupleClosed(in TransportTuple tuple)
    {
        // A closed TCP connection cannot be sent to; consent expiry removes it from the agent in time.
        StrongBox<TransportTuple>? current = Volatile.Read(ref _sendTuple);
        if (current is not null && current.Value.Equals(tuple))
            Volatile.Write(ref _sendTuple, null);
    }

    void IWebRtcServerTransport.OnTick(long nowMilliseconds) => _binding.Tick(nowMilliseconds);

    private void CloseOnWorker()
    {
        _agent.Close();
        _binding.Dispose();
        Volatile.Write(ref _sendTuple, null);
        Interlocked.Exchange(ref _srtp, null)?.Dispose();
    }

    /// <summary>On the worker: starts DTLS once remote parameters are known and, for the client role, a tuple is selected.</summary>
    private void StartDtlsWhenReady()
    {
        if (_dtlsStarted || _remoteDtls is null || Volatile.Read(ref _closed) != 0)
            return;
        DtlsRole role = DtlsRoleNegotiation.ResolveLocalRole(_remoteDtls.Role);
        if (role == DtlsRole.Client && Volatile.Read(ref _sendTuple) is null)
            return;
        _dtlsStarted = true;
        _dtls.Start(role, _remoteDtls.Fingerprints);
    }

    private void OnIceStateChanged(IceState state)
    {
        IceState = state;
        IceStateChanged?.Invoke(state);
    }

    private void OnSelectedTupleChanged(TransportTuple? tuple)
    {
        Volatile.Write(ref _sendTuple, tuple is { } selected ? new StrongBox<TransportTuple>(selected) : null);
        StartDtlsWhenReady();
        SelectedTupleChanged?.Invoke(tuple);
    }

    private void OnDtlsStateChanged(object? sender, DtlsStateChangedEventArgs e)
    {
        if (e.State == DtlsState.Connected && _dtls.SrtpKeys is { } keys)
        {
            // Published before "connected" is raised; Close waits for this thread (DTLS closes first), so a session
            // published here is disposed by CloseOnWorker, and one created after the close is never published.
            var session = SrtpSession.Create(keys);
            if (Volatile.Read(ref _closed) != 0)
                session.Dispose();
            else
                Volatile.Write(ref _srtp, session);
        }

        DtlsStateChanged?.Invoke(e.State);
    }
}
