using Parley.Media.Ortc;
using Parley.Media.Tests.Ortc;
using Parley.Media.Tests.Routing;

namespace Parley.Media.Tests.Transports;

/// <summary>The receiver's transport-cc feedback (or REMB) moves the WebRtcTransport's estimate, seen in its stats.</summary>
public sealed class SendSideEstimateTests
{
    [Fact]
    public async Task Feedback_from_a_slow_link_lowers_the_estimate_and_a_fast_one_keeps_it()
    {
        await using var scenario = await BandwidthScenario.StartAsync();
        var video = OrtcTestData.Producer(OrtcTestData.H264File);
        await scenario.ProduceAndConsumeAsync(MediaKind.Video, video);
        var start = (await scenario.Transport.GetStatsAsync()).AvailableOutgoingBitrate;
        Assert.Equal(Parley.Media.Bwe.BandwidthEstimatorOptions.Default.StartBitrate, start);

        // About 800 kbit/s into a 200 kbit/s link.
        await using var link = new SimulatedDownlink(scenario.Peer, 200_000);
        using var sending = scenario.SendH264(video);

        await BandwidthScenario.WaitForAsync(
            async () => (await scenario.Transport.GetStatsAsync()).AvailableOutgoingBitrate < 250_000,
            "the estimate to fall under the link's 200 kbit/s plus a margin");
        Assert.True(link.FeedbackSent > 0);
        Assert.True(await scenario.Worker.InvokeAsync(() => scenario.Transport.Bandwidth.FeedbackReceived) > 0);
    }

    [Fact]
    public async Task Without_transport_cc_the_receivers_remb_is_the_estimate()
    {
        await using var scenario = await BandwidthScenario.StartAsync();
        var video = OrtcTestData.Producer(OrtcTestData.H264File);
        var producer = await scenario.ProducerTransport.ProduceAsync(MediaKind.Video, video);
        var capabilities = OrtcTestData.DeviceCapabilities();
        capabilities.HeaderExtensions.RemoveAll(e => e.Uri == RtpHeaderExtensionUris.TransportWideCcDraft01);
        var consumer = await scenario.Transport.ConsumeAsync(producer.Id, capabilities);
        Assert.Null((await scenario.Transport.GetStatsAsync()).AvailableOutgoingBitrate);

        scenario.SendRemb(consumer.RtpParameters.Encodings[0].Ssrc!.Value, 250_000);
        await BandwidthScenario.WaitForAsync(
            async () => (await scenario.Transport.GetStatsAsync()).AvailableOutgoingBitrate == 250_000, "the REMB to be the estimate");
    }
}
