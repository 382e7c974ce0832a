using System.Text.Json;
using Parley.Media.Ortc;
using Parley.Media.Rtc;
using Parley.Media.Tests.Ortc;
using Parley.Media.Tests.Routing;

namespace Parley.Media.Tests.Transports;

/// <summary>The transport's stats carry the send-side estimator's parts and the pacer's queue, as driven by real feedback.</summary>
public sealed class BandwidthEstimationStatsTests
{
    [Fact]
    public async Task A_transport_sending_into_a_slow_link_reports_the_loss_the_cut_and_the_pacer_queue()
    {
        await using var scenario = await BandwidthScenario.StartAsync();
        var video = OrtcTestData.Producer(OrtcTestData.H264File);
        await scenario.ProduceAndConsumeAsync(MediaKind.Video, video);
        var before = (await scenario.Transport.GetStatsAsync()).BandwidthEstimation;
        Assert.NotNull(before);
        Assert.Equal(Parley.Media.Bwe.BandwidthEstimatorOptions.Default.StartBitrate, before.TargetBitrate);
        Assert.Equal(0, before.FeedbackReceived);
        Assert.Equal(0, before.LastProbeBitrate);
        Assert.Null(before.LastProbeAgeMs);

        // About 800 kbit/s into a 200 kbit/s link with a 250 ms queue: it drops, the target falls, the pacer holds media back.
        await using var link = new SimulatedDownlink(scenario.Peer, 200_000);
        using var sending = scenario.SendH264(video);

        BandwidthEstimationStats? seen = null;
        try
        {
            await BandwidthScenario.WaitForAsync(
                async () =>
                {
                    var stats = await scenario.Transport.GetStatsAsync();
                    seen = stats.BandwidthEstimation;
                    return seen is { LossFraction: > 0.1, PacerQueuedPackets: > 0 } && stats.AvailableOutgoingBitrate < 250_000;
                },
                "loss, a cut and a pacer queue in the stats");
        }
        catch (Xunit.Sdk.XunitException)
        {
            Assert.Fail($"not seen in the stats: loss, a cut and a pacer queue; last: {seen}");
        }

        var stats = await scenario.Transport.GetStatsAsync();
        var bwe = stats.BandwidthEstimation!;
        Assert.Equal(stats.AvailableOutgoingBitrate, bwe.TargetBitrate);
        Assert.Equal(Math.Max(Math.Min(bwe.DelayBasedBitrate, bwe.LossBasedBitrate), Parley.Media.Bwe.BandwidthEstimatorOptions.Default.MinBitrate), bwe.TargetBitrate);
        Assert.Equal((long)(bwe.TargetBitrate * Parley.Media.Pacing.PacedSender.PacingFactor), bwe.PacingBitrate);
        Assert.True(bwe.LossFraction > 0.1, $"loss {bwe.LossFraction} through a 200 kbit/s link");
        Assert.True(bwe.SentBitrate > 0);
        Assert.InRange(bwe.AcknowledgedBitrate, 1, 300_000);
        Assert.True(bwe.MediaAcknowledgedBitrate <= bwe.AcknowledgedBitrate);
        Assert.True(bwe.ProbeClustersPlanned >= 2, "the start probes");
        Assert.True(bwe.ProbePacketsSent > 0);
        Assert.True(bwe.DeliveryCollapses > 0, "800 kbit/s into a 200 kbit/s link: the delivery collapsed");
        Assert.Equal(bwe.LastProbeBitrate > 0, bwe.LastProbeAgeMs is not null);
        Assert.True(bwe.FeedbackReceived > 0);
        Assert.Null(bwe.RembBitrate);
        Assert.Contains(bwe.Usage, new[] { "normal", "overusing", "underusing" });
        Assert.Contains(bwe.RateControlState, new[] { "hold", "increase", "decrease" });
        Assert.True(bwe.ThresholdMs >= 6);
        if (bwe.PacerQueuedPackets > 0)
        {
            Assert.True(bwe.PacerQueuedBytes > 0);
        }

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(stats, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        var element = json.RootElement.GetProperty("bandwidthEstimation");
        Assert.Equal(bwe.TargetBitrate, element.GetProperty("targetBitrate").GetInt64());
        Assert.Equal(bwe.DelayBasedBitrate, element.GetProperty("delayBasedBitrate").GetInt64());
        Assert.Equal(bwe.LossBasedBitrate, element.GetProperty("lossBasedBitrate").GetInt64());
        Assert.True(element.TryGetProperty("pacerQueueDelayMs", out _));
        Assert.Equal(bwe.HeldProbeResults, element.GetProperty("heldProbeResults").GetInt64());
        Assert.Equal(bwe.ProbeOveruses, element.GetProperty("probeOveruses").GetInt64());
        Assert.Equal(bwe.DeliveryCollapses, element.GetProperty("deliveryCollapses").GetInt64());
        Assert.Equal(bwe.SaturatedConfirmations, element.GetProperty("saturatedConfirmations").GetInt64());
    }

    [Fact]
    public async Task Without_transport_cc_there_is_no_send_side_estimate_to_report()
    {
        await using var scenario = await BandwidthScenario.StartAsync();
        var video = OrtcTestData.Producer(OrtcTestData.H264File);
        var producer = await scenario.ProducerTransport.ProduceAsync(MediaKind.Video, video);
        var capabilities = OrtcTestData.DeviceCapabilities();
        capabilities.HeaderExtensions.RemoveAll(e => e.Uri == RtpHeaderExtensionUris.TransportWideCcDraft01);
        await scenario.Transport.ConsumeAsync(producer.Id, capabilities);

        var stats = await scenario.Transport.GetStatsAsync();
        Assert.Null(stats.BandwidthEstimation);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(stats, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        Assert.False(json.RootElement.TryGetProperty("bandwidthEstimation", out _));
    }
}
