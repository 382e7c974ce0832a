using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Parley.NetRelay;

/// <summary>
/// A userspace UDP relay for tests: clients send to <see cref="ListenEndPoint"/>, the relay forwards to the target
/// from its own socket and sends the answers back to the client that sent last, each direction through its own
/// <see cref="LinkImpairment"/>. Settings change at run time (<see cref="SetImpairment"/>), so a test can drop a
/// link from 3 Mbit/s to 300 kbit/s and back. Binds loopback only. Works where the kernel has no netem.
/// </summary>
public sealed class UdpImpairmentRelay : IAsyncDisposable
{
    private readonly Socket _clientSide;
    private readonly Socket _targetSide;
    private readonly IPEndPoint _target;
    private readonly Lane _upstream;
    private readonly Lane _downstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _loops;
    private volatile IPEndPoint? _client;

    /// <summary>Starts relaying to <paramref name="target"/>, unimpaired until <see cref="SetImpairment"/>.</summary>
    /// <param name="target">A loopback endpoint.</param>
    /// <param name="seed">Seed of the loss and jitter draws (upstream; downstream uses the next).</param>
    public UdpImpairmentRelay(IPEndPoint target, int seed = 1)
    {
        if (!IPAddress.IsLoopback(target.Address))
        {
            throw new ArgumentException("The relay is a test tool: loopback targets only.", nameof(target));
        }

        _target = target;
        _clientSide = Bind();
        _targetSide = Bind();
        _upstream = new Lane(new LinkImpairment(seed));
        _downstream = new Lane(new LinkImpairment(seed + 1));
        _loops =
        [
            Task.Run(() => ReceiveAsync(_clientSide, _upstream, fromClient: true)),
            Task.Run(() => ReceiveAsync(_targetSide, _downstream, fromClient: false)),
            Task.Run(() => SendAsync(_upstream, _targetSide, () => _target)),
            Task.Run(() => SendAsync(_downstream, _clientSide, () => _client)),
        ];
    }

    /// <summary>Where clients send.</summary>
    public IPEndPoint ListenEndPoint => (IPEndPoint)_clientSide.LocalEndPoint!;

    /// <summary>The address the target sees packets come from.</summary>
    public IPEndPoint TargetSideEndPoint => (IPEndPoint)_targetSide.LocalEndPoint!;

    /// <summary>Changes how <paramref name="direction"/> is impaired, from the next packet on.</summary>
    public void SetImpairment(RelayDirection direction, ImpairmentSettings settings)
    {
        var lane = LaneOf(direction);
        lock (lane.Gate)
        {
            lane.Link.Settings = settings;
        }
    }

    /// <summary>Packets sent on in <paramref name="direction"/>.</summary>
    public long Forwarded(RelayDirection direction) => Interlocked.Read(ref LaneOf(direction).Forwarded);

    /// <summary>Packets dropped in <paramref name="direction"/> (queue full or random loss).</summary>
    public long Dropped(RelayDirection direction)
    {
        var lane = LaneOf(direction);
        lock (lane.Gate)
        {
            return lane.Link.QueueDrops + lane.Link.RandomDrops;
        }
    }

    /// <summary>Stops relaying and closes both sockets.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _upstream.Queue.Writer.TryComplete();
        _downstream.Queue.Writer.TryComplete();
        _clientSide.Dispose();
        _targetSide.Dispose();
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

    private Lane LaneOf(RelayDirection direction) => direction == RelayDirection.Upstream ? _upstream : _downstream;

    private async Task ReceiveAsync(Socket socket, Lane lane, bool fromClient)
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
            {
                continue; // An ICMP port unreachable from an earlier send; not fatal for UDP.
            }

            var from = (IPEndPoint)received.RemoteEndPoint;
            if (fromClient)
            {
                _client = from;
            }
            else if (!from.Equals(_target))
            {
                continue;
            }

            bool admitted;
            long release;
            lock (lane.Gate)
            {
                admitted = lane.Link.TryAdmit(NowMicroseconds(), received.ReceivedBytes, out release);
            }

            if (admitted)
            {
                lane.Queue.Writer.TryWrite((release, buffer.AsSpan(0, received.ReceivedBytes).ToArray()));
            }
        }
    }

    private async Task SendAsync(Lane lane, Socket socket, Func<IPEndPoint?> destination)
    {
        await foreach (var (release, packet) in lane.Queue.Reader.ReadAllAsync(_stop.Token))
        {
            var wait = release - NowMicroseconds();
            if (wait > 1_500)
            {
                await Task.Delay(TimeSpan.FromMicroseconds(wait - 1_000), _stop.Token);
            }

            while (NowMicroseconds() < release)
            {
                Thread.Yield();
            }

            var to = destination();
            if (to is not null)
            {
                await socket.SendToAsync(packet, SocketFlags.None, to, _stop.Token);
                Interlocked.Increment(ref lane.Forwarded);
            }
        }
    }

    private sealed class Lane(LinkImpairment link)
    {
        public readonly object Gate = new();
        public readonly LinkImpairment Link = link;
        public readonly Channel<(long Release, byte[] Packet)> Queue = Channel.CreateUnbounded<(long, byte[])>(new UnboundedChannelOptions { SingleReader = true });
        public long Forwarded;
    }
}
