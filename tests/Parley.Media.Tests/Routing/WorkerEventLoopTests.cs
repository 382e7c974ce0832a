using Parley.Media.Routing;
using Parley.Media.Tests.Ortc;

namespace Parley.Media.Tests.Routing;

/// <summary>The worker's own event loop over its transports' sockets (Linux) and the portable queued path.</summary>
public sealed class WorkerEventLoopTests
{
    [Fact]
    public async Task On_linux_the_worker_watches_its_transport_sockets_and_lets_go_of_them_on_close()
    {
        Assert.True(OperatingSystem.IsLinux(), "these tests run on Linux, where the worker polls its own sockets");
        await using var worker = TestWorkers.Create();
        Assert.IsType<EpollWorkerWaiter>(worker.Waiter);
        var router = await worker.CreateRouterAsync();
        var before = ((EpollWorkerWaiter)worker.Waiter).WatchedCount;

        await router.CreatePlainTransportAsync();
        await router.CreatePlainTransportAsync(new Parley.Media.Transports.PlainTransportOptions { RtcpMux = false });
        Assert.Equal(before + 3, ((EpollWorkerWaiter)worker.Waiter).WatchedCount);

        await router.CloseAsync();
        Assert.Equal(before, ((EpollWorkerWaiter)worker.Waiter).WatchedCount);
        Assert.Equal(0, worker.OpenChannelCount);
    }

    [Fact]
    public async Task A_portable_worker_sleeps_on_an_event_and_watches_nothing()
    {
        await using var worker = TestWorkers.Create(portableWait: true);
        Assert.IsType<EventWorkerWaiter>(worker.Waiter);
        Assert.False(worker.Waiter.WatchesSockets);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_oversized_datagram_is_dropped_and_the_next_one_still_flows(bool portableWorker)
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile, portableWorker);
        var (_, _, peer) = await scenario.AddConsumerAsync();

        var header = TestRtp.Build(scenario.ProducerPayloadType, 1, 960, scenario.ProducerSsrc, [9]);
        var oversized = new byte[PacketBufferPool.BufferLength + 100];
        header.CopyTo(oversized, 0);
        scenario.Sender.SendTo(scenario.ProducerTransport.Tuple.LocalPort, oversized);
        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 2, 1920, scenario.ProducerSsrc, [1, 2, 3]));

        var received = await peer.ReceiveRtpAsync();
        Assert.Equal(new byte[] { 1, 2, 3 }, TestRtp.Payload(received));
        Assert.Empty(peer.Drain());
    }

    [Fact]
    public async Task Control_calls_wake_a_worker_that_sleeps_in_epoll()
    {
        await using var worker = TestWorkers.Create();
        // Long enough for the loop to be asleep with no timer due; each call must wake it at once.
        await Task.Delay(200);
        for (var i = 0; i < 50; i++)
        {
            var router = await worker.CreateRouterAsync().WaitAsync(TimeSpan.FromSeconds(5));
            await router.CloseAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }

        Assert.Equal(0, worker.RouterCount);
    }

    [Fact]
    public async Task Datagrams_from_many_sockets_arriving_together_are_all_forwarded()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile);
        var consumers = new List<UdpPeer>();
        for (var i = 0; i < 8; i++)
        {
            consumers.Add((await scenario.AddConsumerAsync()).Peer);
        }

        // More than one turn's worth of reads from the producer socket in one burst.
        const int count = 200;
        for (var i = 0; i < count; i++)
        {
            scenario.Sender.SendTo(scenario.ProducerTransport.Tuple.LocalPort, TestRtp.Build(scenario.ProducerPayloadType, (ushort)i, (uint)(i * 960), scenario.ProducerSsrc, [(byte)i]));
        }

        foreach (var peer in consumers)
        {
            for (var i = 0; i < count; i++)
            {
                Assert.Equal(new[] { (byte)i }, TestRtp.Payload(await peer.ReceiveRtpAsync()));
            }
        }

        Assert.Equal(count, await scenario.ReceivedAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_handler_that_throws_costs_its_datagram_not_the_worker(bool portableWorker)
    {
        await using var worker = TestWorkers.Create(portableWait: portableWorker);
        var failures = new List<Exception>();
        worker.DatagramFailed += (_, e) =>
        {
            lock (failures)
            {
                failures.Add(e);
            }
        };
        using var channel = Parley.Media.Net.UdpChannel.Bind(worker, System.Net.IPAddress.Loopback, 0);
        var sink = new ThrowingSink();
        channel.Start(sink);
        using var sender = new UdpPeer();
        for (var i = 0; i < 3; i++)
        {
            sender.SendTo(channel.LocalEndPoint.Port, [1, 2, 3]);
        }

        await Eventually.TrueAsync(() => Task.FromResult(worker.FailedDatagramCount == 3), "three failed datagrams to be counted");
        await Eventually.TrueAsync(() => Task.FromResult(failures.Count == 3), "three DatagramFailed events");
        Assert.All(failures, e => Assert.IsType<InvalidOperationException>(e));
        Assert.Equal(3, sink.Calls);
        Assert.Equal(42, await worker.InvokeAsync(() => 42));
        await worker.InvokeAsync(channel.Dispose);
    }

    private sealed class ThrowingSink : IDatagramSink
    {
        public int Calls;

        public void OnDatagram(Span<byte> datagram, in Parley.Media.Net.TransportTuple from, long arrivalTimestamp)
        {
            Calls++;
            throw new InvalidOperationException("a handler bug");
        }
    }
}
