using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using BcDtlsTransport = Org.BouncyCastle.Tls.DtlsTransport;

namespace Parley.Media.Dtls;

/// <summary>
/// One DTLS 1.2 endpoint with use_srtp (RFC 5764) over a datagram path owned by someone else:
/// received datagrams come in through <see cref="Feed"/>, outgoing ones leave through a
/// <see cref="DtlsDatagramSender"/>. On success it exposes the negotiated SRTP profile and keys.
/// </summary>
/// <remarks>
/// BouncyCastle's DTLS engine is blocking, so each started transport runs it on its own thread
/// (small stack, background) for the handshake and then for receiving alerts, retransmitted
/// handshake flights and application data. Events are raised on that thread.
/// </remarks>
public sealed partial class DtlsTransport : IDisposable
{
    private const int ThreadStackSize = 256 * 1024;

    private static readonly BcTlsCrypto SharedCrypto = new(new SecureRandom());

    private readonly object _gate = new();
    private readonly DtlsCertificate _certificate;
    private readonly DtlsTransportOptions _options;
    private readonly QueuedDatagramTransport _datagrams;
    private DtlsState _state = DtlsState.New;
    private DtlsHandshakeContext? _handshake;
    private AbstractTlsPeer? _peer;
    private BcDtlsTransport? _connection;
    private Thread? _thread;
    private bool _closeRequested;
    private string? _closeReason;

    /// <summary>Creates a transport in state <see cref="DtlsState.New"/>.</summary>
    /// <param name="certificate">Our certificate; usually one shared by all transports of the process.</param>
    /// <param name="sender">Sends our datagrams to the peer.</param>
    /// <param name="options">Tuning; <see cref="DtlsTransportOptions.Default"/> when null.</param>
    public DtlsTransport(DtlsCertificate certificate, DtlsDatagramSender sender, DtlsTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(sender);
        _options = options ?? DtlsTransportOptions.Default;
        _options.Validate();
        _certificate = certificate;
        _datagrams = new QueuedDatagramTransport(
            _options.ReceiveQueueCapacity, _options.MaxDatagramSize, _options.MaxReceivedDatagramSize, sender, Counters);
    }

    /// <summary>Raised on every state change, on the thread that caused it.</summary>
    public event EventHandler<DtlsStateChangedEventArgs>? StateChanged;

    /// <summary>Raised on the DTLS thread for every application data record received while connected.</summary>
    public event DtlsApplicationDataHandler? ApplicationDataReceived;

    /// <summary>The current state.</summary>
    public DtlsState State
    {
        get
        {
            lock (_gate)
                return _state;
        }
    }

    /// <summary>Our role once <see cref="Start(DtlsRole, IReadOnlyList{DtlsFingerprint})"/> was called; <see cref="DtlsRole.Auto"/> before.</summary>
    public DtlsRole Role { get; private set; } = DtlsRole.Auto;

    /// <summary>The parameters to signal for this transport: role "auto" and our certificate's fingerprints.</summary>
    public DtlsParameters LocalParameters => _certificate.ToParameters(DtlsRole.Auto);

    /// <summary>The SRTP profile and keys; set before <see cref="State"/> becomes <see cref="DtlsState.Connected"/>.</summary>
    public DtlsSrtpKeys? SrtpKeys => _handshake?.Keys;

    /// <summary>The peer's certificate (DER) once it matched a signaled fingerprint.</summary>
    public ReadOnlyMemory<byte>? RemoteCertificate => _handshake?.RemoteCertificateDer;

    /// <summary>Why the transport failed or closed, for logs; null while it is fine.</summary>
    public string? FailureReason
    {
        get
        {
            lock (_gate)
                return _closeReason;
        }
    }

    /// <summary>Traffic and drop counters.</summary>
    public DtlsTransportCounters Counters { get; } = new();

    /// <summary>The largest application data message <see cref="Send"/> accepts; 0 until connected.</summary>
    public int MaxApplicationDataSize
    {
        get
        {
            BcDtlsTransport? connection = Volatile.Read(ref _connection);
            return connection is null ? 0 : connection.GetSendLimit();
        }
    }

    /// <summary>Starts the handshake in the role mediasoup derives from the peer's parameters.</summary>
    /// <param name="remoteParameters">The peer's <c>dtlsParameters</c> from <c>connect</c>.</param>
    public void Start(DtlsParameters remoteParameters)
    {
        ArgumentNullException.ThrowIfNull(remoteParameters);
        Start(DtlsRoleNegotiation.ResolveLocalRole(remoteParameters.Role), remoteParameters.Fingerprints);
    }

    /// <summary>Starts the handshake; a server waits for the ClientHello, a client sends it.</summary>
    /// <param name="localRole"><see cref="DtlsRole.Client"/> or <see cref="DtlsRole.Server"/>.</param>
    /// <param name="remoteFingerprints">The peer's signaled fingerprints; its certificate must match one.</param>
    /// <exception cref="InvalidOperationException">Already started or closed.</exception>
    public void Start(DtlsRole localRole, IReadOnlyList<DtlsFingerprint> remoteFingerprints)
    {
        if (localRole is not (DtlsRole.Client or DtlsRole.Server))
            throw new ArgumentOutOfRangeException(nameof(localRole), localRole, "The local role must be client or server.");
        ArgumentNullException.ThrowIfNull(remoteFingerprints);
        if (remoteFingerprints.Count == 0)
            throw new ArgumentException("At least one remote fingerprint is required.", nameof(remoteFingerprints));

        lock (_gate)
        {
            if (_state != DtlsState.New)
                throw new InvalidOperationException($"The DTLS transport cannot start in state {_state}.");

            Role = localRole;
            _handshake = new DtlsHandshakeContext(SharedCrypto, _certificate, remoteFingerprints.ToArray(), _options);
            _peer = localRole == DtlsRole.Server ? new DtlsSrtpServer(_handshake) : new DtlsSrtpClient(_handshake);
            _thread = new Thread(Run, ThreadStackSize) { IsBackground = true, Name = $"dtls-{localRole.ToString().ToLowerInvariant()}" };
        }

        ChangeState(DtlsState.Connecting, null);
        _thread.Start();
    }

    /// <summary>
    /// Gives the transport one received DTLS datagram (RFC 7983: first byte 20–63). The bytes are
    /// copied; malformed or unexpected datagrams are dropped and counted, never thrown.
    /// </summary>
    /// <param name="datagram">The UDP payload, or one RFC 4571 frame from TCP.</param>
    public void Feed(ReadOnlySpan<byte> datagram)
    {
        Counters.CountReceived(datagram.Length);

        DtlsState state = State;
        DtlsDropReason reason = state is DtlsState.Failed or DtlsState.Closed
            ? DtlsDropReason.NotRunning
            : DtlsDatagramInspection.Inspect(datagram);
        if (reason == DtlsDropReason.None)
            reason = _datagrams.Enqueue(datagram);
        if (reason != DtlsDropReason.None)
            Counters.CountDropped(reason);
    }

    /// <summary>Sends application data (SCTP for data channels) in one DTLS record.</summary>
    /// <param name="data">At most <see cref="MaxApplicationDataSize"/> bytes.</param>
    /// <returns>False when not connected or the send failed.</returns>
    public bool Send(ReadOnlySpan<byte> data)
    {
        BcDtlsTransport? connection = Volatile.Read(ref _connection);
        if (connection is null || State != DtlsState.Connected)
            return false;
        if (data.Length > connection.GetSendLimit())
            throw new ArgumentException($"At most {connection.GetSendLimit()} bytes fit in one DTLS record.", nameof(data));

        try
        {
            connection.Send(data);
        }
        catch (IOException)
        {
            return false;
        }

        Counters.CountApplicationSent();
        return true;
    }

    /// <summary>
    /// Closes the transport, sending close_notify when a handshake has begun. The state becomes
    /// <see cref="DtlsState.Closed"/> unless it already failed or closed.
    /// </summary>
    public void Close()
    {
        Thread? thread;
        BcDtlsTransport? connection;
        AbstractTlsPeer? peer;
        lock (_gate)
        {
            if (_closeRequested || _state is DtlsState.Failed or DtlsState.Closed)
                return;
            _closeRequested = true;
            thread = _thread;
            connection = _connection;
            peer = _peer;
        }

        if (thread is null)
        {
            _datagrams.Close();
            ChangeState(DtlsState.Closed, "Closed locally.");
            return;
        }

        // Closing the engine sends close_notify (and user_canceled mid-handshake), then closes the
        // datagram queue, which wakes the DTLS thread; it reports Closed as it exits.
        try
        {
            if (connection is not null)
                connection.Close();
            else
                peer?.Cancel();
        }
        catch (IOException)
        {
            // The peer may be gone already; closing locally still has to finish.
        }
        finally
        {
            _datagrams.Close();
        }

        if (Thread.CurrentThread != thread)
            thread.Join(TimeSpan.FromSeconds(5));
    }

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();
}
