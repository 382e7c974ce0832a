using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Parley.NetRelay.Tests;

/// <summary>The relay between a client socket and an echo server, all on 127.0.0.1.</summary>
public sealed class UdpImpairmentRelayTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly Socket _echo = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Socket _client = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private UdpImpairmentRelay _relay = null!;
    private Task _echoLoop = Task.CompletedTask;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<EndPoint, int> _echoedFrom = new();
    private int _echoed;

    public Task InitializeAsync()
    {
        _echo.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _relay = new UdpImpairmentRelay((IPEndPoint)_echo.LocalEndPoint!);
        _echoLoop = Task.Run(EchoAsync);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _relay.DisposeAsync();
        _echo.Dispose();
        _client.Dispose();
        await _echoLoop.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    [Fact]
    public async Task Forwards_both_ways_and_the_target_sees_the_relay()
    {
        for (byte i = 0; i < 20; i++)
        {
            await SendAsync(i, 100);
        }

        var received = await ReceiveAsync(20);

        Assert.Equal(Enumerable.Range(0, 20).Select(i => (byte)i), received);
        Assert.Equal(20, _relay.Forwarded(RelayDirection.Upstream));
        Assert.Equal(20, _relay.Forwarded(RelayDirection.Downstream));
    }

    [Fact]
    public async Task Delay_in_each_direction_adds_up_in_the_round_trip()
    {
        _relay.SetImpairment(RelayDirection.Upstream, ImpairmentSettings.None with { Delay = TimeSpan.FromMilliseconds(40) });
        _relay.SetImpairment(RelayDirection.Downstream, ImpairmentSettings.None with { Delay = TimeSpan.FromMilliseconds(60) });
        var started = Stopwatch.GetTimestamp();

        await SendAsync(1, 100);
        await ReceiveAsync(1);

        Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Loss_drops_and_counts_and_can_be_lifted_at_run_time()
    {
        _relay.SetImpairment(RelayDirection.Upstream, ImpairmentSettings.None with { LossRate = 1 });
        for (byte i = 0; i < 10; i++)
        {
            await SendAsync(i, 100);
        }

        await WaitForAsync(() => _relay.Dropped(RelayDirection.Upstream) == 10);
        _relay.SetImpairment(RelayDirection.Upstream, ImpairmentSettings.None);
        await SendAsync(99, 100);

        Assert.Equal([(byte)99], await ReceiveAsync(1));
        Assert.Equal(1, Volatile.Read(ref _echoed));
    }

    [Fact]
    public async Task A_rate_limit_spreads_a_burst_at_the_rate()
    {
        // 40 packets of 1,250 bytes at 400 kbit/s (50 kB/s) after a 10 kB bucket: the last leaves after about 0.8 s.
        _relay.SetImpairment(RelayDirection.Downstream, ImpairmentSettings.RateLimited(400_000));
        var started = Stopwatch.GetTimestamp();
        for (byte i = 0; i < 40; i++)
        {
            await SendAsync(i, 1250);
        }

        var received = await ReceiveAsync(40);

        Assert.Equal(40, received.Count);
        Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(780));
    }

    [Fact]
    public async Task Each_client_has_a_flow_of_its_own_that_the_target_sees_as_another_address()
    {
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        other.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        for (byte i = 0; i < 5; i++)
        {
            await SendAsync(i, 100);
            await other.SendToAsync(new byte[] { (byte)(100 + i) }, SocketFlags.None, _relay.ListenEndPoint);
        }

        Assert.Equal([0, 1, 2, 3, 4], await ReceiveAsync(5));
        var buffer = new byte[16];
        using var timeout = new CancellationTokenSource(Patience);
        var theirs = new List<byte>();
        while (theirs.Count < 5)
        {
            await other.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
            theirs.Add(buffer[0]);
        }

        Assert.Equal([100, 101, 102, 103, 104], theirs);
        Assert.Equal(2, _echoedFrom.Count);
        var flows = _relay.Flows();
        Assert.Equal(2, flows.Count);
        Assert.All(flows, f => Assert.Equal((5, 5), (f.Upstream.ForwardedPackets, f.Downstream.ForwardedPackets)));
        Assert.Equal(500, flows.Single(f => f.Client.Equals(_client.LocalEndPoint)).Downstream.OfferedBytes);
        Assert.True(flows.Select(f => (EndPoint)f.TargetSide).ToHashSet().SetEquals(_echoedFrom.Keys));
    }

    [Fact]
    public void Only_loopback_targets_are_accepted()
    {
        Assert.Throws<ArgumentException>(() => new UdpImpairmentRelay(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 9)));
    }

    private async Task EchoAsync()
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            var received = await _echo.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            Interlocked.Increment(ref _echoed);
            _echoedFrom.AddOrUpdate(received.RemoteEndPoint, 1, (_, n) => n + 1);
            await _echo.SendToAsync(buffer.AsMemory(0, received.ReceivedBytes), SocketFlags.None, received.RemoteEndPoint, _stop.Token);
        }
    }

    private async Task SendAsync(byte marker, int size)
    {
        var packet = new byte[size];
        packet[0] = marker;
        await _client.SendToAsync(packet, SocketFlags.None, _relay.ListenEndPoint);
    }

    private async Task<List<byte>> ReceiveAsync(int count)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var buffer = new byte[65536];
        var markers = new List<byte>();
        while (markers.Count < count)
        {
            var received = await _client.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
            Assert.Equal(_relay.ListenEndPoint, received.RemoteEndPoint);
            markers.Add(buffer[0]);
        }

        return markers;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Patience.TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            Assert.True(Stopwatch.GetTimestamp() < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
