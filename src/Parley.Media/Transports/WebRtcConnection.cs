using System.Runtime.CompilerServices;
using Parley.Media.Dtls;
using Parley.Media.Ice;
using Parley.Media.Net;
using Parley.Media.Srtp;

namespace Parley.Media.Transports;

/// <summary>
/// The WebRTC transport layer of one peer connection on a <see cref="WebRtcServer"/>: an ICE-lite agent answers
/// checks and selects the tuple, a DTLS transport runs the handshake over it, and the exported keys drive SRTP.
/// Received SRTP/SRTCP is decrypted and handed to <see cref="RtpReceived"/> / <see cref="RtcpReceived"/>;
/// <see cref="SendRtp"/> / <see cref="SendRtcp"/> protect and send to the selected tuple.
/// </summary>
/// <remarks>
/// Threading: received packets, ICE events and handlers run on the server's I/O loop under the registration's
/// gate, one at a time. DTLS records after the handshake are read there too; DTLS "connected" and handshake failures
/// come from a DTLS handshake pool thread (see <see cref="DtlsTransport"/>). <see cref="SendRtp"/> and
/// <see cref="SendRtcp"/> may be called from any thread; they serialize on a send lock of their own.
/// </remarks>
public sealed partial class WebRtcConnection : IWebRtcServerTransport, IDisposable
{
    private readonly IceLiteAgent _agent;
    private readonly WebRtcServerRegistration _registration;
    private readonly IceServerBinding _binding;
    private readonly DtlsTransport _dtls;
    private readonly Lock _sendLock = new();
    private StrongBox<TransportTuple>? _sendTuple;
    private SrtpSession? _srtp;
    private DtlsParameters? _remoteDtls;
    private bool _dtlsStarted;
    private int _closed;

    /// <summary>Creates the connection and registers it on <paramref name="server"/>; it answers ICE checks at once.</summary>
    /// <param name="server">The started server whose UDP/TCP ports carry this connection.</param>
    /// <param name="certificate">Our DTLS certificate; its fingerprints go into <see cref="DtlsParameters"/>.</param>
    /// <param name="options">Options, or null for <see cref="WebRtcConnectionOptions.Default"/>.</param>
    public WebRtcConnection(WebRtcServer server, DtlsCertificate certificate, WebRtcConnectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(certificate);
        options ??= WebRtcConnectionOptions.Default;

        _agent = new IceLiteAgent(consentTimeout: options.ConsentTimeout);
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

    /// <summary>Raised on the I/O loop when <see cref="IceState"/> changes.</summary>
    public event Action<IceState>? IceStateChanged;

    /// <summary>Raised (on a handshake thread, the I/O loop or the closing thread) when <see cref="DtlsState"/> changes; SRTP is ready before "connected" is raised.</summary>
    public event Action<DtlsState>? DtlsStateChanged;

    /// <summary>Raised on the I/O loop when ICE selects another tuple to send to (null when none is left).</summary>
    public event Action<TransportTuple?>? SelectedTupleChanged;

    /// <summary>Each decrypted RTP packet, on the I/O loop.</summary>
    public event MediaPacketHandler? RtpReceived;

    /// <summary>Each decrypted (compound) RTCP packet, on the I/O loop.</summary>
    public event MediaPacketHandler? RtcpReceived;

    /// <summary>Our ICE parameters for signaling (mediasoup's <c>iceParameters</c>: usernameFragment, password, iceLite).</summary>
    public IceParameters IceParameters
    {
        get
        {
            lock (_registration.Gate)
                return _agent.LocalParameters;
        }
    }

    /// <summary>Our host candidates for signaling (mediasoup's <c>iceCandidates</c>).</summary>
    public IReadOnlyList<IceCandidate> IceCandidates => _registration.LocalCandidates;

    /// <summary>Our DTLS parameters for signaling: role "auto" and the certificate's fingerprints.</summary>
    public DtlsParameters DtlsParameters { get; }

    /// <summary>The tuple media is sent to, once ICE selected one.</summary>
    public TransportTuple? SelectedTuple => Volatile.Read(ref _sendTuple)?.Value;

    /// <summary>The negotiated SRTP profile once DTLS connected.</summary>
    public SrtpProfile? SrtpProfile => Volatile.Read(ref _srtp)?.Send.Profile;

    /// <summary>Traffic and drop counters.</summary>
    public WebRtcConnectionCounters Counters { get; } = new();

    /// <summary>
    /// Gives the remote DTLS parameters (mediasoup's <c>transport.connect({ dtlsParameters })</c>) and starts DTLS in
    /// the role they imply (<see cref="DtlsRoleNegotiation.ResolveLocalRole"/>): as server at once, waiting for the
    /// ClientHello; as client once ICE selected a tuple to send it on.
    /// </summary>
    /// <exception cref="InvalidOperationException">Already connected, or closed.</exception>
    public void Connect(DtlsParameters remoteParameters)
    {
        ArgumentNullException.ThrowIfNull(remoteParameters);
        if (remoteParameters.Fingerprints.Count == 0)
            throw new ArgumentException("The remote DTLS parameters carry no fingerprint.", nameof(remoteParameters));
        lock (_registration.Gate)
        {
            if (Volatile.Read(ref _closed) != 0)
                throw new InvalidOperationException("The connection is closed.");
            if (_remoteDtls is not null)
                throw new InvalidOperationException("Connect was already called.");
            _remoteDtls = remoteParameters;
            StartDtlsWhenReady();
        }
    }

    /// <summary>Restarts ICE with new local credentials (mediasoup's <c>restartIce</c>); returns them for signaling.</summary>
    public IceParameters RestartIce()
    {
        lock (_registration.Gate)
        {
            if (Volatile.Read(ref _closed) != 0)
                throw new InvalidOperationException("The connection is closed.");
            return _binding.RestartIce();
        }
    }

    /// <summary>Closes DTLS (sending close_notify), ICE and the registration. Idempotent.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;

        // Not under the gate: closing DTLS mid-handshake waits for its pool thread, which may be sending through us.
        _dtls.Close();
        lock (_registration.Gate)
        {
            _agent.Close();
            _binding.Dispose();
        }

        _registration.Dispose();
        lock (_registration.Gate)
        lock (_sendLock)
        {
            Volatile.Write(ref _sendTuple, null);
            _srtp?.Dispose();
            _srtp = null;
        }
    }

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    string IWebRtcServerTransport.LocalUsernameFragment => _agent.LocalParameters.UsernameFragment;

    void IWebRtcServerTransport.OnTupleClosed(in TransportTuple tuple)
    {
        // A closed TCP connection cannot be sent to; consent expiry removes it from the agent in time.
        StrongBox<TransportTuple>? current = Volatile.Read(ref _sendTuple);
        if (current is not null && current.Value.Equals(tuple))
            Volatile.Write(ref _sendTuple, null);
    }

    void IWebRtcServerTransport.OnTick(long nowMilliseconds) => _binding.Tick(nowMilliseconds);

    /// <summary>Under the gate: starts DTLS once remote parameters are known and, for the client role, a tuple is selected.</summary>
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
            var session = SrtpSession.Create(keys);
            lock (_sendLock)
            {
                if (Volatile.Read(ref _closed) != 0)
                    session.Dispose();
                else
                    Volatile.Write(ref _srtp, session);
            }
        }

        DtlsStateChanged?.Invoke(e.State);
    }
}
