using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Parley.NetRelay;

/// <summary>
/// A userspace UDP relay for tests: clients send to <see cref="ListenEndPoint"/>, and the relay forwards each
/// client's packets to the target from a socket of that client's own (as a NAT would: the target sees one address per
/// client) and sends the answers back to it. Each client's flow has its own <see cref="LinkImpairment"/> per
/// direction — its own access link — all with the settings of <see cref="SetImpairment"/>, which change at run time,
/// so a test can drop a link from 3 Mbit/s to 300 kbit/s and back. Binds loopback only. Works where the kernel has no netem.
/// </summary>
public sealed class UdpImpairmentRelay : IAsyncDisposable
{
    /// <summary>Clients (source endpoints) the relay serves at most; packets of further clients are dropped and counted.</summary>
    public const int MaxClients = 32;

    private readonly Socket _clientSide;
    private readonly IPEndPoint _target;
    private readonly int _seed;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<IPEndPoint, Flow> _flows = new();
    private readonly ConcurrentBag<Task> _loops = [];
    private readonly object _settingsGate = new();
    private ImpairmentSettings _upstreamSettings = ImpairmentSettings.None;
    private ImpairmentSettings _downstreamSettings = ImpairmentSettings.None;
    private long _refusedClients;

    /// <summary>Starts relaying to <paramref name="target"/>, unimpaired until <see cref="SetImpairment"/>.</summary>
    /// <param name="target">A loopback endpoint.</param>
    /// <param name="seed">Seed of the loss and jitter draws (each flow and direction uses the next).</param>
    public UdpImpairmentRelay(IPEndPoint target, int seed = 1)
    {
        if (!IPAddress.IsLoopback(target.Address))
        {
            throw new ArgumentException("The relay is a test tool: loopback targets only.", nameof(target));
        }

        _target = target;
        _seed = seed;
        _clientSide = Bind();
        _loops.Add(Task.Run(ReceiveFromClientsAsync));
    }

    /// <summary>Where clients send.</summary>
    public IPEndPoint ListenEndPoint => (IPEndPoint)_clientSide.LocalEndPoint!;

    /// <summary>Packets from clients beyond <see cref="MaxClients"/>, dropped.</summary>
    public long RefusedClientPackets => Interlocked.Read(ref _refusedClients);

    /// <summary>Changes how <paramref name="direction"/> is impaired on every flow, present and future, from the next packet on.</summary>
    public void SetImpairment(RelayDirection direction, ImpairmentSettings settings)
    {
        lock (_settingsGate)
        {
            if (direction == RelayDirection.Upstream)
            {
                _upstreamSettings = settings;
            }
            else
            {
                _downstreamSettings = settings;
            }

            foreach (var flow in _flows.Values)
            {
                flow.LaneOf(direction).Apply(settings);
            }
        }
    }

    /// <summary>Packets sent on in <paramref name="direction"/>, over all flows.</summary>
    public long Forwarded(RelayDirection direction) => _flows.Values.Sum(f => f.LaneOf(direction).Counters().ForwardedPackets);

    /// <summary>Packets dropped in <paramref name="direction"/> (queue full or random loss), over all flows.</summary>
    public long Dropped(RelayDirection direction) => _flows.Values.Sum(f => f.LaneOf(direction).Counters().DroppedPackets);

    /// <summary>Each client's flow with its counters so far.</summary>
    public IReadOnlyList<RelayFlowStats> Flows() =>
        [.. _flows.Values.Select(f => new RelayFlowStats(f.Client, f.TargetSideEndPoint, f.Upstream.Counters(), f.Downstream.Counters()))];

    /// <summary>Stops relaying and closes every socket.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _clientSide.Dispose();
        foreach (var flow in _flows.Values)
        {
            flow.Close();
        }

        try
        {
            await Task.WhenAll(_loops);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Closing the sockets ends the loops.
        }

        _stop.Dispose();
    }

    private static Socket Bind()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static long NowMicroseconds() => (long)(Stopwatch.GetTimestamp() * (1_000_000.0 / Stopwatch.Frequency));

    private async Task ReceiveFromClientsAsync()
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _clientSide.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
            {
                continue; // An ICMP port unreachable from an earlier send; not fatal for UDP.
            }

            var client = (IPEndPoint)received.RemoteEndPoint;
            if (!_flows.TryGetValue(client, out var flow) && (flow = OpenFlow(client)) is null)
            {
                Interlocked.Increment(ref _refusedClients);
                continue;
            }

            flow.Upstream.Offer(buffer.AsSpan(0, received.ReceivedBytes));
        }
    }

    /// <summary>The flow of a new client: its own target-side socket and lanes, and the loops that move its packets.</summary>
    private Flow? OpenFlow(IPEndPoint client)
    {
        lock (_settingsGate)
        {
            if (_flows.Count >= MaxClients || _stop.IsCancellationRequested)
            {
                return null;
            }

            var index = _flows.Count;
            var flow = new Flow(client, Bind(), _seed + (2 * index), _upstreamSettings, _downstreamSettings);
            _flows[client] = flow;
            _loops.Add(Task.Run(() => ReceiveFromTargetAsync(flow)));
            _loops.Add(Task.Run(() => SendAsync(flow.Upstream, flow.TargetSide, _target)));
            _loops.Add(Task.Run(() => SendAsync(flow.Downstream, _clientSide, client)));
            return flow;
        }
    }

    private async Task ReceiveFromTargetAsync(Flow flow)
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await flow.TargetSide.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
            {
                continue;
            }

            if (received.RemoteEndPoint.Equals(_target))
            {
                flow.Downstream.Offer(buffer.AsSpan(0, received.ReceivedBytes));
            }
        }
    }

    private async Task SendAsync(Lane lane, Socket socket, IPEndPoint destination)
    {
        var previousSend = long.MinValue;
        await foreach (var (scheduled, transmission, packet) in lane.Queue.Reader.ReadAllAsync(_stop.Token))
        {
            var release = LinkImpairment.SendTime(scheduled, previousSend, transmission);
            var wait = release - NowMicroseconds();
            if (wait > 1_500)
            {
                await Task.Delay(TimeSpan.FromMicroseconds(wait - 1_000), _stop.Token);
            }

            while (NowMicroseconds() < release)
            {
                Thread.Yield();
            }

            previousSend = NowMicroseconds();
            await socket.SendToAsync(packet, SocketFlags.None, destination, _stop.Token);
            lane.CountForwarded(packet.Length);
        }
    }

    /// <summary>One client: its address, the socket the target sees it as, and a lane each way.</summary>
    private sealed class Flow(IPEndPoint client, Socket targetSide, int seed, ImpairmentSettings upstream, ImpairmentSettings downstream)
    {
        public IPEndPoint Client { get; } = client;

        public Socket TargetSide { get; } = targetSide;

        public IPEndPoint TargetSideEndPoint { get; } = (IPEndPoint)targetSide.LocalEndPoint!;

        public Lane Upstream { get; } = new(new LinkImpairment(seed) { Settings = upstream });

        public Lane Downstream { get; } = new(new LinkImpairment(seed + 1) { Settings = downstream });

        public Lane LaneOf(RelayDirection direction) => direction == RelayDirection.Upstream ? Upstream : Downstream;

        public void Close()
        {
            Upstream.Queue.Writer.TryComplete();
            Downstream.Queue.Writer.TryComplete();
            TargetSide.Dispose();
        }
    }

    /// <summary>One direction of a flow: its impairment, the packets waiting for their release time, and counters.</summary>
    private sealed class Lane(LinkImpairment link)
    {
        private readonly object _gate = new();
        private long _offeredPackets;
        private long _offeredBytes;
        private long _forwardedPackets;
        private long _forwardedBytes;

        public Channel<(long Release, long Transmission, byte[] Packet)> Queue { get; } =
            Channel.CreateUnbounded<(long, long, byte[])>(new UnboundedChannelOptions { SingleReader = true });

        public void Apply(ImpairmentSettings settings)
        {
            lock (_gate)
            {
                link.Settings = settings;
            }
        }

        public void Offer(ReadOnlySpan<byte> packet)
        {
            bool admitted;
            long release;
            long transmission;
            lock (_gate)
            {
                _offeredPackets++;
                _offeredBytes += packet.Length;
                admitted = link.TryAdmit(NowMicroseconds(), packet.Length, out release);
                transmission = link.TransmissionMicroseconds(packet.Length);
            }

            if (admitted)
            {
                Queue.Writer.TryWrite((release, transmission, packet.ToArray()));
            }
        }

        public void CountForwarded(int size)
        {
            lock (_gate)
            {
                _forwardedPackets++;
                _forwardedBytes += size;
            }
        }

        public RelayLaneCounters Counters()
        {
            lock (_gate)
            {
                return new RelayLaneCounters(_offeredPackets, _offeredBytes, _forwardedPackets, _forwardedBytes, link.QueueDrops + link.RandomDrops);
            }
        }
    }
}
