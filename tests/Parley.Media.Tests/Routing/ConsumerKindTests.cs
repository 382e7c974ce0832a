using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Tests.Ortc;

namespace Parley.Media.Tests.Routing;

/// <summary>Which consumer class a producer gets, and what the layer API means for each.</summary>
public sealed class ConsumerKindTests
{
    [Fact]
    public async Task A_producer_of_one_stream_gets_a_simple_consumer_without_layers()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile);
        var (_, consumer, _) = await scenario.AddConsumerAsync();

        Assert.IsType<SimpleConsumer>(consumer);
        Assert.Equal(RtpParametersType.Simple, consumer.Type);
        var stream = Assert.Single(consumer.SendStreams);
        Assert.Equal(consumer.RtpParameters.Encodings[0].Ssrc, stream.Ssrc);
        Assert.Null(consumer.PreferredLayers);
        Assert.Null(consumer.CurrentLayers);
        await consumer.SetPreferredLayersAsync(5, 5); // nothing to choose: ignored
        Assert.Null(consumer.PreferredLayers);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => consumer.SetPreferredLayersAsync(-1));
    }

    [Fact]
    public async Task A_simulcast_producer_gets_a_simulcast_consumer_sending_one_stream()
    {
        await using var scenario = await RoutingScenario.StartAsync(SimulcastTests.SimulcastParameters());
        var (_, consumer, _) = await scenario.AddConsumerAsync();

        Assert.IsType<SimulcastConsumer>(consumer);
        Assert.Equal(RtpParametersType.Simulcast, consumer.Type);
        var stream = Assert.Single(consumer.SendStreams);
        Assert.Equal(consumer.RtpParameters.Encodings[0].Ssrc, stream.Ssrc);
        Assert.Equal(consumer.RtpParameters.Encodings[0].Rtx?.Ssrc, stream.RtxSsrc);
        Assert.Equal(new ConsumerLayers(2, 2), consumer.PreferredLayers);
        await consumer.SetPreferredLayersAsync(1, 0);
        Assert.Equal(new ConsumerLayers(1, 0), consumer.PreferredLayers);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => consumer.SetPreferredLayersAsync(3));
    }
}
