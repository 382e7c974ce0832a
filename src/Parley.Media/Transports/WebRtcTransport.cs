using Parley.Media.Dtls;
using Parley.Media.Ice;
using System.Diagnostics;
using Parley.Media.Net;
using Parley.Media.Ortc;
using Parley.Media.Pacing;
using Parley.Media.Rtc;
using Parley.Media.Routing;
using Parley.Media.Rtp;

namespace Parley.Media.Transports;

/// <summary>
/// A browser's transport (mediasoup's WebRtcTransport): a <see cref="WebRtcConnection"/> (ICE-lite, DTLS, SRTP) on a
/// shared <see cref="WebRtcServer"/> port. The port's I/O thread queues this transport's datagrams, still encrypted, to
/// the router's worker, which decrypts them and hands the plain RTP/RTCP straight to the producers and consumers of
/// <see cref="Transport"/>, and which protects and sends what they send.
/// </summary>
/// <remarks>
/// <para>Producers' packets carrying the transport-wide-cc-01 extension are acknowledged with transport feedback every
/// 100 ms, which the browser's send-side bandwidth estimate needs to rise. RID-only simulcast (Chromium) is bound by
/// MID and RID; until simulcast layer switching exists, only a simulcast producer's first (lowest) encoding is
/// forwarded, the others are dropped here and counted.</para>
/// A DTLS failure, a DTLS close from the remote side or ICE closing closes the transport (<see cref="Transport.Closed"/>).
/// The state events are raised on the worker (ICE, DTLS records) or a DTLS handshake thread: handlers must not block.
/// </remarks>
public sealed class WebRtcTransport : Transport, IPacedPacketSink
{
    private readonly WebRtcConnection _connection;
    private readonly IReadOnlyList<IceCandidate> _candidates;
    private readonly Dictionary<uint, byte> _transportCcIdBySsrc = [];
    private readonly TransportCcFeedbackRecorder _transportCc = new();
    private readonly RidStreamBinder _ridStreams = new();
    private readonly SendSideBandwidthControl _bandwidth;
    private readonly ConsumerBitrateAllocation _allocation = new();
    private readonly HashSet<uint> _videoSsrcs = [];
    private readonly List<(Consumer Consumer, RtpSendStream Stream)> _probeStreams = [];
    private readonly PacedSender _pacing;
    private WorkerTimer? _allocationTimer;
    private long _sharedBitrate = long.MaxValue;
    private WorkerTimer? _pacerAlarm;
    private int _nextProbeStream;
    private readonly long _createdTimestamp = Stopwatch.GetTimestamp();
    private WorkerTimer? _transportCcTimer;
    private uint _lastTransportCcSsrc;
    private int _nextMid;

    private WebRtcTransport(Router router, WebRtcTransportOptions options, WebRtcConnection connection)
        : base(router, options.AppData, connection.Counters)
    {
        _connection = connection;
        _bandwidth = new SendSideBandwidthControl(options.BandwidthEstimation ?? Bwe.BandwidthEstimatorOptions.Default);
        _pacing = new PacedSender(this, PacerOptions.Default, PacerStoreCapacity, PacketBufferPool.BufferLength);
        _candidates = SelectCandidates(connection.IceCandidates, options);
        connection.RtpReceived += (packet, arrivalTimestamp) => OnWorkerPacket(packet, isRtcp: false, arrivalTimestamp);
        connection.RtcpReceived += (packet, arrivalTimestamp) => OnWorkerPacket(packet, isRtcp: true, arrivalTimestamp);
        connection.IceStateChanged += OnIceStateChanged;
        connection.DtlsStateChanged += OnDtlsStateChanged;
        connection.SelectedTupleChanged += tuple => IceSelectedTupleChanged?.Invoke(this, tuple);
    }

    /// <summary>Our ICE credentials (they change with <see cref="RestartIceAsync"/>).</summary>
    public IceParameters IceParameters => _connection.IceParameters;

    /// <summary>Our host candidates, filtered by the UDP/TCP options.</summary>
    public IReadOnlyList<IceCandidate> IceCandidates => _candidates;

    /// <summary>Role "auto" and our certificate's fingerprints.</summary>
    public DtlsParameters DtlsParameters => _connection.DtlsParameters;

    /// <summary>The ICE state.</summary>
    public IceState IceState => _connection.IceState;

    /// <summary>The DTLS state.</summary>
    public DtlsState DtlsState => _connection.DtlsState;

    /// <summary>The tuple ICE selected, once one is.</summary>
    internal TransportTuple? IceSelectedTuple => _connection.SelectedTuple;

    /// <summary>Everything mediasoup-client's <c>createSendTransport/createRecvTransport</c> take.</summary>
    public WebRtcTransportInfo Info => new(Id, IceParameters, IceCandidates, DtlsParameters);

    /// <summary>Raised (on the worker) when <see cref="IceState"/> changes.</summary>
    public event EventHandler<IceState>? IceStateChanged;

    /// <summary>Raised (on a DTLS handshake thread or the worker) when <see cref="DtlsState"/> changes.</summary>
    public event EventHandler<DtlsState>? DtlsStateChanged;

    /// <summary>Raised (on the worker) when ICE selects another tuple.</summary>
    internal event EventHandler<TransportTuple?>? IceSelectedTupleChanged;

    private protected override string StatsType => TransportStats.WebRtcTransportType;

    /// <summary>The ICE/DTLS/SRTP layer (tests reach its hooks).</summary>
    internal WebRtcConnection Connection => _connection;

    /// <summary>
    /// Gives the remote side's DTLS parameters (mediasoup's <c>transport.connect({ dtlsParameters })</c>): a remote
    /// role "client" makes us the DTLS server; "server" or "auto" makes us the client.
    /// </summary>
    /// <exception cref="InvalidOperationException">Already connected, or closed.</exception>
    /// <exception cref="ArgumentException">No fingerprint in the remote parameters.</exception>
    public Task ConnectAsync(DtlsParameters dtlsParameters)
    {
        ArgumentNullException.ThrowIfNull(dtlsParameters);
        if (IsClosed)
        {
            return Task.FromException(new ObjectDisposedException(nameof(WebRtcTransport)));
        }

        return Worker.InvokeAsync(() => _connection.Connect(dtlsParameters));
    }

    /// <summary>New ICE credentials (mediasoup's <c>restartIce()</c>); give them to the client's <c>restartIce</c>.</summary>
    /// <exception cref="InvalidOperationException">The transport is closed.</exception>
    public Task<IceParameters> RestartIceAsync()
    {
        if (IsClosed)
        {
            return Task.FromException<IceParameters>(new ObjectDisposedException(nameof(WebRtcTransport)));
        }

        return Worker.InvokeAsync(_connection.RestartIce);
    }

    internal static WebRtcTransport Create(Router router, WebRtcTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.WebRtcServer);
        ArgumentNullException.ThrowIfNull(options.Certificate);
        if (!options.EnableUdp && !options.EnableTcp)
        {
            throw new ArgumentException("Enable UDP, TCP or both.", nameof(options));
        }

        var connection = new WebRtcConnection(options.WebRtcServer, router.Worker, options.Certificate, options.Connection);
        try
        {
            return new WebRtcTransport(router, options, connection);
        }
        catch
        {
            connection.Close();
            throw;
        }
    }

    /// <summary>The outgoing bandwidth: transport-wide sequence numbers on what is sent, the estimate from feedback.</summary>
    internal SendSideBandwidthControl Bandwidth => _bandwidth;

    /// <summary>Tests see each RTP packet as it leaves (after the pacer, stamped, before SRTP) with its send time; null in production.</summary>
    internal SentPacketObserver? SentObserver { get; set; }

    /// <summary>The pacer on the send path: video and retransmissions wait in it while an estimate runs.</summary>
    internal PacedSender Pacing => _pacing;

    internal ConsumerBitrateAllocation Allocation => _allocation;

    /// <summary>Packets at most held by the pacer (each in a slot of <see cref="PacketBufferPool.BufferLength"/> bytes).</summary>
    internal const int PacerStoreCapacity = 256;

    /// <summary>
    /// Audio (any SSRC not of a video consumer) leaves at once; video and retransmissions go through the pacer, at
    /// <see cref="PacedSender.PacingFactor"/> × the estimate, and straight out when no estimate runs.
    /// </summary>
    internal override void SendRtp(ReadOnlySpan<byte> packet, bool isRetransmission = false)
    {
        var priority = packet.Length >= RtpPacket.FixedHeaderLength && _videoSsrcs.Contains(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(packet[8..]))
            ? isRetransmission ? PacketPriority.Retransmission : PacketPriority.Video
            : PacketPriority.Audio;
        _pacing.SetTargetBitrate(_bandwidth.AvailableBitrate);
        if (!_pacing.IsPacing)
        {
            Send(packet, KindOf(priority), Bwe.ProbeCluster.None);
            return;
        }

        var now = _bandwidth.NowMicroseconds;
        if (!_pacing.Send(packet, priority, now))
        {
            ArmPacer(now);
        }
    }

    private static TrafficKind KindOf(PacketPriority priority) => priority == PacketPriority.Retransmission ? TrafficKind.Rtx : TrafficKind.Rtp;

    void IPacedPacketSink.SendNow(ReadOnlySpan<byte> packet, PacketPriority priority, int probeClusterId) =>
        Send(packet, KindOf(priority), probeClusterId);

    void IPacedPacketSink.OnDropped(PacerDropReason reason) => Counters.OnDropped(reason switch
    {
        PacerDropReason.QueueFull => RtpDropReason.PacerQueueFull,
        PacerDropReason.Expired => RtpDropReason.PacerQueueExpired,
        _ => RtpDropReason.PacerSuperseded,
    });

    /// <summary>The stream's packets still in the pacer are dropped: the receiver decodes from the keyframe now coming.</summary>
    internal override void DropQueued(RtpSendStream stream) => _pacing.DiscardQueued(stream.Ssrc, stream.RtxSsrc ?? stream.Ssrc);

    /// <summary>
    /// One probe packet: an RTX copy of a packet a video consumer sent last (useful redundancy, as libwebrtc's payload
    /// padding), taking the consumers in turn; a padding-only RTX packet when none has one. Its size, 0 when none can go.
    /// </summary>
    int IPacedPacketSink.SendProbe(int size, int probeClusterId)
    {
        Span<byte> buffer = stackalloc byte[PacketBufferPool.BufferLength];
        var count = _probeStreams.Count;
        var nowMs = Worker.Timers.Now;
        for (var i = 0; i < count; i++)
        {
            var index = (_nextProbeStream + i) % count;
            var (consumer, stream) = _probeStreams[index];
            if (consumer.IsActive && consumer.TryWriteProbe(stream, nowMs, buffer, out var written))
            {
                _nextProbeStream = (index + 1) % count;
                return Send(buffer[..written], TrafficKind.Probation, probeClusterId);
            }
        }

        foreach (var (_, stream) in _probeStreams)
        {
            if (stream.TryWritePadding(buffer, Math.Clamp(size - RtpPacket.FixedHeaderLength, 1, 255), out var written))
            {
                return Send(buffer[..written], TrafficKind.Probation, probeClusterId);
            }
        }

        return 0;
    }

    /// <summary>Arms the pacer's alarm for its next send (worker-clock milliseconds, rounded up), when something waits.</summary>
    private void ArmPacer(long nowMicroseconds)
    {
        var next = _pacing.NextSendTime(nowMicroseconds);
        if (next == long.MaxValue || IsClosed)
        {
            return;
        }

        _pacerAlarm ??= Worker.Timers.CreateAlarm(OnPacerAlarm, this);
        _pacerAlarm.ArmAt(Worker.Timers.Now + Math.Max(1, (next - nowMicroseconds + 999) / 1000));
    }

    /// <summary>On the worker's alarm: sends what the pacer lets go, starts the next planned probe cluster, re-arms.</summary>
    private void OnPacerAlarm()
    {
        if (IsClosed)
        {
            return;
        }

        var now = _bandwidth.NowMicroseconds;
        _pacing.SetTargetBitrate(_bandwidth.AvailableBitrate);
        _pacing.Drain(now);
        if (!_pacing.Probing)
        {
            TryStartProbeCluster();
        }

        ArmPacer(now);
    }

    /// <summary>Stamps (when negotiated), protects and sends one RTP packet; returns the bytes sent, 0 when dropped.</summary>
    private int Send(ReadOnlySpan<byte> packet, TrafficKind kind, int probeClusterId)
    {
        var outgoing = _bandwidth.Stamp(packet, out var stamped);
        if (!_connection.SendRtp(outgoing))
        {
            Counters.OnDropped(RtpDropReason.SendFailed);
            return 0;
        }

        if (stamped)
        {
            _bandwidth.OnSent(outgoing.Length, probeClusterId);
        }

        SentObserver?.Invoke(outgoing, Stopwatch.GetTimestamp());
        OnSent(outgoing.Length, kind);
        return outgoing.Length;
    }

    /// <summary>Starts the next planned probe cluster through the pacer, when none runs and a video consumer can carry it.</summary>
    private void StartProbing() => TryStartProbeCluster();

    private bool TryStartProbeCluster()
    {
        if (_pacing.Probing || _probeStreams.Count == 0 || !_bandwidth.Estimator.TryTakeProbeCluster(out var cluster))
        {
            return false;
        }

        StartProbe(cluster);
        return true;
    }

    /// <summary>On the worker: sends <paramref name="cluster"/> through the pacer (tests start their own).</summary>
    internal void StartProbe(in Bwe.ProbeCluster cluster)
    {
        _bandwidth.Estimator.OnProbeClusterStarted(cluster);
        _pacing.SetTargetBitrate(_bandwidth.AvailableBitrate);
        var now = _bandwidth.NowMicroseconds;
        _pacing.StartProbe(cluster, now);
        ArmPacer(now);
    }

    /// <summary>How often the bandwidth is shared out again among the consumers (layer costs and the estimate move).</summary>
    internal const int AllocationIntervalMs = 100;

    private protected override void OnConsumerAdded(Consumer consumer)
    {
        foreach (var stream in consumer.SendStreams)
        {
            _bandwidth.AddSsrcs(consumer.RtpParameters, stream.Ssrc, stream.RtxSsrc);
            if (consumer.Kind != MediaKind.Video)
            {
                continue;
            }

            _videoSsrcs.Add(stream.Ssrc);
            if (stream.RtxSsrc is { } rtx)
            {
                _videoSsrcs.Add(rtx);
            }

            if (stream.CanPad && _bandwidth.Stamps(stream.RtxSsrc!.Value))
            {
                _probeStreams.Add((consumer, stream));
            }
        }

        _allocation.Add(consumer);
        _allocationTimer ??= Worker.Timers.StartPeriodic(AllocationIntervalMs, RunAllocation, this);
        RunAllocation();
    }

    internal override void OnConsumerActivated(Consumer consumer) => RunAllocation();

    /// <summary>
    /// On the worker: shares the estimate among the consumers (less what resends take and, after a collapse, what the
    /// link's queue needs to drain), and tells the estimator what they would use, which it probes for when the
    /// estimate is lower.
    /// </summary>
    private void RunAllocation()
    {
        if (IsClosed)
        {
            return;
        }

        if (_bandwidth.AvailableBitrate is not { } available)
        {
            _allocation.Lift();
            _sharedBitrate = long.MaxValue;
            return;
        }

        _sharedBitrate = available;
        var nowMs = Worker.Timers.Now;
        var nowMicroseconds = _bandwidth.NowMicroseconds;
        var reserved = Counters.RtxSendBitrate(nowMs) + _bandwidth.Estimator.QueueDrainBitrate(nowMicroseconds);
        var desired = _allocation.Run(available, reserved, nowMs, nowMicroseconds, Router.StreamInactivityMs);
        _bandwidth.Estimator.SetDesiredBitrate(desired, nowMicroseconds);
        StartProbing();
    }

    private protected override void OnConsumerRemoved(Consumer consumer)
    {
        _allocation.Remove(consumer);
        _probeStreams.RemoveAll(p => p.Consumer == consumer);
        foreach (var stream in consumer.SendStreams)
        {
            _bandwidth.RemoveSsrcs(stream.Ssrc, stream.RtxSsrc);
            _videoSsrcs.Remove(stream.Ssrc);
            if (stream.RtxSsrc is { } rtx)
            {
                _videoSsrcs.Remove(rtx);
            }
        }
    }

    private protected override void OnTransportWideFeedback(ReadOnlySpan<byte> packet)
    {
        if (!_bandwidth.OnTransportFeedback(packet))
        {
            Counters.OnDropped(RtpDropReason.MalformedRtcp);
            return;
        }

        OnEstimateUpdated();
        StartProbing();
    }

    private protected override void OnRemb(ulong bitrate)
    {
        _bandwidth.OnRemb(bitrate);
        OnEstimateUpdated();
    }

    /// <summary>
    /// The pacer follows a new estimate now, not at its next packet (the stats show the two together); an estimate
    /// under what the consumers were last given is shared out now, not at the next allocation run. Until the consumer
    /// switches down, the pacer lets its layer out at 2.5 × the new estimate: when the browser bench's link fell from
    /// 3 Mbit/s to 300 kbit/s, up to 100 ms more of the 1280 px layer went into a full queue, which the new layer's
    /// keyframe then waited behind. A rise waits for the run (upgrades wait for their hold anyway).
    /// </summary>
    private void OnEstimateUpdated()
    {
        _pacing.SetTargetBitrate(_bandwidth.AvailableBitrate);
        if (_bandwidth.AvailableBitrate < _sharedBitrate)
        {
            RunAllocation();
        }
    }

    private protected override void OnRoundTripTime(double milliseconds) => _bandwidth.OnRoundTripTime(milliseconds);

    internal override void SendRtcp(ReadOnlySpan<byte> packet)
    {
        if (!_connection.SendRtcp(packet))
        {
            Counters.OnDropped(RtpDropReason.SendFailed);
            return;
        }

        OnSent(packet.Length, TrafficKind.Other);
    }

    private protected override TransportStats CreateStats(long now) => Counters.CreateStats(
        Id, now, StatsType, iceRole: "controlled",
        iceState: _connection.IceState.ToString().ToLowerInvariant(),
        dtlsState: _connection.DtlsState.ToString().ToLowerInvariant(),
        availableOutgoingBitrate: _bandwidth.AvailableBitrate) with
    {
        BandwidthEstimation = _bandwidth.CreateStats(_pacing),
    };

    /// <summary>Every 100 ms while a producer sends the transport-wide-cc extension (libwebrtc's default interval).</summary>
    internal const int TransportCcFeedbackIntervalMs = 100;

    private protected override void OnProducerAdded(Producer producer)
    {
        _ridStreams.Add(producer);
        var extension = producer.RtpParameters.HeaderExtensions.FirstOrDefault(e => e.Uri == RtpHeaderExtensionUris.TransportWideCcDraft01);
        if (extension is null || extension.Id is <= 0 or > 255)
        {
            return;
        }

        foreach (var stream in producer.Streams)
        {
            if (stream.IsBound)
            {
                _transportCcIdBySsrc[stream.Ssrc] = (byte)extension.Id;
            }

            if (stream.RtxSsrc is { } rtx)
            {
                _transportCcIdBySsrc[rtx] = (byte)extension.Id;
            }
        }

        _transportCcTimer ??= Worker.Timers.StartPeriodic(TransportCcFeedbackIntervalMs, SendTransportCcFeedback, this);
    }

    private protected override void OnProducerRemoved(Producer producer)
    {
        _ridStreams.Remove(producer);
        foreach (var stream in producer.Streams)
        {
            if (stream.IsBound)
            {
                _transportCcIdBySsrc.Remove(stream.Ssrc);
            }

            if (stream.RtxSsrc is { } rtx)
            {
                _transportCcIdBySsrc.Remove(rtx);
            }
        }
    }

    private protected override void CountTransport(ref Diagnostics.MediaObjectCounts counts) => counts.WebRtcTransports++;

    private protected override string? NextConsumerMid() => (_nextMid++).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// On the worker: closing the connection sends close_notify and joins the DTLS thread, so it runs on the thread
    /// pool rather than stalling media.
    /// </summary>
    private protected override void CloseResources()
    {
        _transportCcTimer?.Cancel();
        _allocationTimer?.Cancel();
        _pacerAlarm?.Cancel();
        ThreadPool.UnsafeQueueUserWorkItem(static connection => connection.Close(), _connection, preferLocal: false);
    }

    private static IReadOnlyList<IceCandidate> SelectCandidates(IReadOnlyList<IceCandidate> all, WebRtcTransportOptions options)
    {
        var selected = new List<IceCandidate>(all.Count);
        foreach (var candidate in all)
        {
            var udp = candidate.Protocol == "udp";
            if (udp ? !options.EnableUdp : !options.EnableTcp)
            {
                continue;
            }

            // Preferring TCP: TCP candidates get a priority above any UDP host candidate's.
            selected.Add(udp || options.PreferUdp ? candidate : new IceCandidate
            {
                Foundation = candidate.Foundation,
                Priority = IceCandidate.ComputePriority(126, 65535, componentId: 1) + 1,
                Ip = candidate.Ip,
                Address = candidate.Address,
                Port = candidate.Port,
                Protocol = candidate.Protocol,
                TcpType = candidate.TcpType,
            });
        }

        return selected;
    }

    private void OnSent(int length, TrafficKind kind)
    {
        Counters.OnSent(kind, length, Worker.Timers.Now);
    }

    private void OnIceStateChanged(IceState state)
    {
        IceStateChanged?.Invoke(this, state);
        if (state == IceState.Closed)
        {
            CloseInBackground(TransportCloseReason.IceClosed);
        }
    }

    private void OnDtlsStateChanged(DtlsState state)
    {
        DtlsStateChanged?.Invoke(this, state);
        if (state is DtlsState.Failed or DtlsState.Closed)
        {
            CloseInBackground(state == DtlsState.Failed ? TransportCloseReason.DtlsFailed : TransportCloseReason.DtlsClosed);
        }
    }

    private void CloseInBackground(TransportCloseReason reason)
    {
        if (!IsClosed)
        {
            CloseAsync(reason).ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        }
    }

    /// <summary>On the worker: one decrypted packet, in the worker buffer it arrived in.</summary>
    internal void OnWorkerPacket(Span<byte> packet, bool isRtcp, long arrivalTimestamp = 0)
    {
        if (IsClosed)
        {
            return;
        }

        // Counted as a datagram by the connection, which saw it arrive encrypted.
        if (isRtcp)
        {
            HandleRtcp(packet);
            return;
        }

        HandleRtp(packet, arrivalTimestamp);
    }

    /// <summary>An SSRC not signaled: the RID-only encoding (or its RTX) whose MID and RID the packet carries, if any.</summary>
    private protected override ProducerStream? BindUnknownSsrc(ref RtpPacket packet)
    {
        if (!_ridStreams.IsActive || _ridStreams.TryBind(ref packet) is not { } stream)
        {
            return null;
        }

        var extension = stream.Producer.RtpParameters.HeaderExtensions.FirstOrDefault(e => e.Uri == RtpHeaderExtensionUris.TransportWideCcDraft01);
        if (extension is not null && extension.Id is > 0 and <= 255)
        {
            _transportCcIdBySsrc[packet.Ssrc] = (byte)extension.Id;
        }

        return stream;
    }

    /// <summary>Records the transport-cc arrival of a packet of a known stream (parsed once, by the caller).</summary>
    private protected override void OnRtpRouted(ref RtpPacket packet, long arrivalTimestamp)
    {
        if (_transportCcIdBySsrc.Count == 0
            || !_transportCcIdBySsrc.TryGetValue(packet.Ssrc, out var id)
            || !packet.TryGetExtension(id, out var value)
            || value.Length < 2)
        {
            return;
        }

        // The arrival time is the socket read's, so queueing on the worker is not reported as network delay.
        _lastTransportCcSsrc = packet.Ssrc;
        var arrival = arrivalTimestamp != 0 ? arrivalTimestamp : Stopwatch.GetTimestamp();
        var microseconds = (long)Stopwatch.GetElapsedTime(_createdTimestamp, arrival).TotalMicroseconds;
        _transportCc.Record(System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(value), microseconds);
    }

    private void SendTransportCcFeedback()
    {
        Span<byte> buffer = stackalloc byte[1200];
        while (_transportCc.TryWriteNext(buffer, RtcpSsrc, _lastTransportCcSsrc, out var written))
        {
            SendRtcp(buffer[..written]);
        }
    }
}

/// <summary>Sees one packet a transport sent and its <see cref="Stopwatch"/> timestamp (a test seam).</summary>
internal delegate void SentPacketObserver(ReadOnlySpan<byte> packet, long timestamp);
