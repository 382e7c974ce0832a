using System.Text.Json;
using Parley.Media.Ortc;
using Parley.Media.Routing;

namespace Parley.EndToEnd.Tests;

/// <summary>
/// Chromium producing one scalable encoding (VP9 <c>L3T3_KEY</c>, AV1 <c>L3T3</c> with the dependency descriptor) of a
/// 960x540 camera through our router, and three consumers on another page preferring spatial layer 0, 1 and 2: each
/// decodes frames of its layer's width (240, 480, 960).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SvcMeetingTests(BrowserFixture browser)
{
    [Theory]
    [InlineData("video/VP9", "L3T3_KEY")]
    [InlineData("video/AV1", "L3T3")]
    public async Task Consumers_at_each_spatial_layer_decode_that_layer(string mimeType, string mode)
    {
        await using var meeting = await Meeting.StartAsync(browser, svc: (mimeType, mode));
        Assert.Equal(RtpParametersType.Svc, meeting.VideoProducer.Type);
        Assert.Equal(mode, meeting.VideoProducer.RtpParameters.Encodings[0].ScalabilityMode);

        var consumers = new List<Consumer>();
        for (var layer = 0; layer < 3; layer++)
        {
            var consumer = await meeting.ConsumeVideoAsync();
            Assert.Equal("SvcConsumer", consumer.GetType().Name);
            await consumer.SetPreferredLayersAsync(layer);
            consumers.Add(consumer);
        }

        // Chromium turns the upper spatial layers on as its send estimate rises on our transport-cc feedback.
        for (var layer = 0; layer < 3; layer++)
        {
            var width = 240 << layer;
            var consumer = consumers[layer];
            var first = await WaitAsync(meeting, consumer, s => s.FramesDecoded > 0 && s.FrameWidth == width, $"layer {layer} at {width} px");
            await WaitAsync(meeting, consumer, s => s.FramesDecoded > first.FramesDecoded + 10 && s.FrameWidth == width, $"layer {layer} frames to keep coming");
            Assert.Equal(layer, Assert.NotNull(consumer.CurrentLayers).SpatialLayer);
        }

        // Each consumer sends only its layers: the decoder would show the lower width from the marker bit alone, so
        // the bitrates tell whether the upper layers were really left out.
        var bitrates = new List<long>();
        foreach (var consumer in consumers)
        {
            bitrates.Add((await consumer.GetStatsAsync())[0].Bitrate);
        }

        Assert.True(bitrates[0] < bitrates[1] && bitrates[1] < bitrates[2], $"consumer bitrates by layer: {string.Join(", ", bitrates)}");
    }

    private static async Task<ConsumerStats> WaitAsync(Meeting meeting, Consumer consumer, Func<ConsumerStats, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(45);
        while (true)
        {
            var stats = JsonSerializer.Deserialize<ConsumerStats>(
                await meeting.ReceiverPage.EvaluateAsync<string>("async id => JSON.stringify(await parleyConsumerStats(id))", consumer.Id), JsonSerializerOptions.Web)!;
            if (condition(stats))
                return stats;
            if (DateTime.UtcNow > deadline)
            {
                var producer = await meeting.VideoProducer.GetStatsAsync();
                Assert.Fail($"Timed out waiting for {what}; last {stats}; current layers {consumer.CurrentLayers}; producer {JsonSerializer.Serialize<object>(producer)}");
            }

            await Task.Delay(250);
        }
    }

    private sealed record ConsumerStats(long FramesDecoded, int FrameWidth);
}
