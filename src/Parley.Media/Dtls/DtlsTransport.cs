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
/// <para>No thread is held per session. BouncyCastle's handshake is blocking, so it runs on a small
/// bounded pool of handshake threads (one pool per role; handshakes beyond the bound wait their turn,
/// and <see cref="DtlsTransportOptions.HandshakeTimeout"/> counts from <see cref="Start(DtlsRole, IReadOnlyList{DtlsFingerprint})"/>,
/// the wait included). A client's handshake is queued at once; a server's once the first datagram
/// (the ClientHello) arrived, so a transport whose peer never speaks holds no thread at all.</para>
/// <para>After the handshake, records (alerts, retransmitted handshake flights, application data)
/// are read by the thread that calls <see cref="Feed"/>, from the queued datagrams, without waiting.
/// <see cref="StateChanged"/> is raised on the handshake thread for <see cref="DtlsState.Connected"/>
/// and a failed handshake, on the feeding thread for what records cause (a close_notify, a fatal
/// alert), on the closing thread for a local close, and on a timer thread when a handshake that had
/// not begun runs out of time. <see cref="ApplicationDataReceived"/> is raised on the feeding thread.</para>
/// </remarks>
internal sealed partial class DtlsTransport : IDisposable
{
    private static readonly SecureRandom SharedRandom = new();

    private readonly object _gate = new();
    private readonly DtlsCertificate _certificate;
    private readonly DtlsTransportOptions _options;
    private readonly QueuedDatagramTransport _datagrams;
    private DtlsState _state = DtlsState.New;
    private DtlsHandshakeContext? _handshake;
    private AbstractTlsPeer? _peer;
    private BcDtlsTransport? _connection;
    private DtlsHandshakePool? _pool;
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

    /// <summary>Raised on every state change, on the thread that caused it (see the remarks on <see cref="DtlsTransport"/>).</summary>
    public event EventHandler<DtlsStateChangedEventArgs>? StateChanged;

    /// <summary>Raised on the thread that fed the datagram, for every application data record received while connected.</summary>
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
            _handshake = new DtlsHandshakeContext(new DiscardingRecordCrypto(SharedRandom, Counters), _certificate, remoteFingerprints.ToArray(), _options);
            _peer = localRole == DtlsRole.Server ? new DtlsSrtpServer(_handshake) : new DtlsSrtpClient(_handshake);
        }

        ChangeState(DtlsState.Connecting, null);
        ArmHandshakeDeadline();

        // Published after "connecting", so no handshake (queued by Feed once it sees the pool) can report before it.
        Volatile.Write(ref _pool, _handshakePools?.Invoke(localRole) ?? DtlsHandshakePool.For(localRole));
        if (localRole == DtlsRole.Client || _datagrams.HasPending)
            QueueHandshake();
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
        {
            Counters.CountDropped(reason);
            return;
        }

        if (Volatile.Read(ref _recordReader) is { } connection)
            ReadQueuedRecords(connection);
        else if (Volatile.Read(ref _pool) is not null)
            QueueHandshake();
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
        BcDtlsTransport? connection;
        AbstractTlsPeer? peer;
        lock (_gate)
        {
            if (_closeRequested || _state is DtlsState.Failed or DtlsState.Closed)
                return;
            _closeRequested = true;
            connection = _connection;
            peer = _peer;
        }

        if (peer is null || TryCancelQueuedHandshake())
        {
            // Not started, or its handshake never got a thread: nothing was said to the peer yet.
            _datagrams.Close();
            ChangeState(DtlsState.Closed, "Closed locally.");
            return;
        }

        // Closing the engine sends close_notify (and user_canceled mid-handshake), then closes the
        // datagram queue, which ends a handshake waiting on its pool thread; that thread reports Closed.
        try
        {
            if (connection is not null)
                connection.Close();
            else
                peer.Cancel();
        }
        catch (IOException)
        {
            // The peer may be gone already; closing locally still has to finish.
        }
        finally
        {
            _datagrams.Close();
        }

        if (connection is not null)
            Finish(null);
        else
            WaitForHandshakeThread();
    }

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();
}
