using Parley.Media.Routing;
using Parley.Media.Tests.Ortc;

namespace Parley.Media.Tests.Routing;

public sealed class LifecycleTests
{
    [Fact]
    public async Task Closing_a_producer_closes_its_consumers_with_producer_closed()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile);
        var (transport, consumer, _) = await scenario.AddConsumerAsync();
        var producerClosed = Eventually.EventAsync<Consumer>(h => consumer.ProducerClosed += h);
        var consumerClosed = Eventually.EventAsync<Consumer>(h => consumer.Closed += h);

        await scenario.Producer.CloseAsync();

        Assert.Same(consumer, await producerClosed);
        Assert.Same(consumer, await consumerClosed);
        Assert.True(consumer.IsClosed);
        Assert.False(scenario.Router.CanConsume(scenario.Producer.Id, OrtcTestData.DeviceCapabilities()));
        Assert.Equal(0, await scenario.Worker.InvokeAsync(() => transport.ConsumerCount));
        Assert.Equal(0, await scenario.Worker.InvokeAsync(() => scenario.ProducerTransport.ProducerCount));
    }

    [Fact]
    public async Task Closing_the_producer_transport_cascades_to_producers_and_their_consumers()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile);
        var (_, consumer, _) = await scenario.AddConsumerAsync();
        var producerClosed = Eventually.EventAsync<Producer>(h => scenario.Producer.Closed += h);
        var consumerProducerClosed = Eventually.EventAsync<Consumer>(h => consumer.ProducerClosed += h);

        await scenario.ProducerTransport.CloseAsync();

        Assert.Same(scenario.Producer, await producerClosed);
        Assert.Same(consumer, await consumerProducerClosed);
        Assert.True(scenario.ProducerTransport.IsClosed);
    }

    [Fact]
    public async Task A_consumer_that_has_sent_says_goodbye_when_closed()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile);
        var (_, consumer, peer) = await scenario.AddConsumerAsync();
        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 1, 0, scenario.ProducerSsrc, [1]));
        await peer.ReceiveRtpAsync();

        await consumer.CloseAsync();

        var bye = await peer.ReceiveRtcpAsync(203);
        Assert.Equal(consumer.RtpParameters.Encodings[0].Ssrc, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bye.AsSpan(4)));
    }

    [Fact]
    public async Task Closing_the_router_closes_everything_and_leaks_no_socket_timer_or_buffer()
    {
        var scenario = await RoutingScenario.StartAsync(OrtcTestData.H264File);
        await using var _ = scenario;
        for (var i = 0; i < 3; i++)
        {
            await scenario.AddConsumerAsync();
        }

        for (var i = 0; i < 20; i++)
        {
            scenario.Sender.SendTo(scenario.ProducerTransport.Tuple.LocalPort, TestRtp.Build(scenario.ProducerPayloadType, (ushort)i, 0, scenario.ProducerSsrc, TestRtp.H264KeyFrame(1)));
        }

        var worker = scenario.Worker;
        Assert.Equal(4, worker.OpenChannelCount);
        Assert.True(worker.Timers.ActiveCount > 0);
        var routerClosed = Eventually.EventAsync<Router>(h => scenario.Router.Closed += h);
        var transportsClosed = scenario.Consumers.Select(c => Eventually.EventAsync<object>(h => c.Transport.Closed += h)).ToList();

        await scenario.Router.CloseAsync();

        await routerClosed;
        await Task.WhenAll(transportsClosed);
        Assert.All(scenario.Consumers, c => Assert.True(c.Consumer.IsClosed));
        Assert.True(scenario.Producer.IsClosed);
        Assert.Equal(0, worker.RouterCount);
        Assert.Equal(0, worker.OpenChannelCount);
        Assert.Equal(0, worker.Timers.ActiveCount);

        // Receive loops return their pending buffer once their socket is gone.
        await Eventually.TrueAsync(() => worker.InvokeAsync(() => worker.Buffers.Outstanding == 0), "every packet buffer to be returned");
    }

    [Fact]
    public async Task A_worker_pool_spreads_routers_over_its_workers()
    {
        await using var pool = new WorkerPool(2);
        var first = await pool.CreateRouterAsync();
        var second = await pool.CreateRouterAsync();
        Assert.NotSame(first.Worker, second.Worker);
        await first.CloseAsync();
        var third = await pool.CreateRouterAsync();
        Assert.Same(first.Worker, third.Worker);
    }

    [Fact]
    public async Task Calls_on_a_closed_worker_fail_instead_of_hanging()
    {
        var worker = TestWorkers.Create();
        var router = await worker.CreateRouterAsync();
        var closed = Eventually.EventAsync<Worker>(h => worker.Closed += h);
        await worker.CloseAsync();
        Assert.Same(worker, await closed);
        Assert.True(router.IsClosed);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => worker.CreateRouterAsync());
    }
}
