using Parley.Media.Ortc;
using Parley.Media.Rtp;
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

    [Fact]
    public async Task Forwarding_red_as_its_primary_allocates_nothing()
    {
        var parameters = OrtcTestData.Producer(OrtcTestData.AudioOpusFile);
        var opus = (byte)parameters.Codecs[0].PayloadType;
        parameters.Codecs.Insert(0, new RtpCodecParameters { MimeType = "audio/red", PayloadType = 63, ClockRate = 48000, Channels = 2 });
        await using var scenario = await RoutingScenario.StartAsync(parameters);
        var redDevice = OrtcTestData.DeviceCapabilities();
        redDevice.Codecs.Add(new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "audio/red", ClockRate = 48000, Channels = 2, PreferredPayloadType = scenario.Router.RtpCapabilities.Codecs.Single(c => c.MimeType == "audio/red").PreferredPayloadType });
        for (var i = 0; i < ConsumerCount; i++)
        {
            await scenario.AddConsumerAsync(device: i % 2 == 0 ? redDevice : null);
        }

        var packets = Enumerable.Range(1, 300)
            .Select(i =>
            {
                var payload = new byte[300];
                var writer = new RedPayloadWriter(payload, 1);
                Assert.True(writer.TryAddRedundant(opus, 960, new byte[120]));
                Assert.True(writer.TryFinish(opus, new byte[120], out var written));
                return TestRtp.Build(63, (ushort)i, (uint)i * 960, scenario.ProducerSsrc, payload.AsSpan(0, written));
            })
            .ToArray();

        var (allocated, sent) = await scenario.FeedAndMeasureAllocationsAsync(packets, warmUp: 50);

        Assert.Equal(ConsumerCount * 250, sent);
        Assert.Equal(0, allocated);
    }
}
