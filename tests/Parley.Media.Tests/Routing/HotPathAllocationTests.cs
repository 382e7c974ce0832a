using Parley.Media.Tests.Ortc;

namespace Parley.Media.Tests.Routing;

public sealed class HotPathAllocationTests
{
    private const int ConsumerCount = 4;

    [Fact]
    public async Task Forwarding_a_packet_to_every_consumer_allocates_nothing()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.H264File);
        for (var i = 0; i < ConsumerCount; i++)
        {
            await scenario.AddConsumerAsync();
        }

        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 1, 0, scenario.ProducerSsrc, TestRtp.H264KeyFrame(1)));
        var packets = Enumerable.Range(2, 300)
            .Select(i => TestRtp.Build(scenario.ProducerPayloadType, (ushort)i, (uint)i * 3000, scenario.ProducerSsrc, new byte[1100]))
            .ToArray();

        // The warm-up covers first calls (lazy statics, a tiered-JIT stub); the steady state must not allocate.
        var (allocated, sent) = await scenario.FeedAndMeasureAllocationsAsync(packets, warmUp: 50);

        Assert.Equal(ConsumerCount * 250, sent);
        Assert.Equal(0, allocated);
    }
}
