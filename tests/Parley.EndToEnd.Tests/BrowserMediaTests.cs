namespace Parley.EndToEnd.Tests;

/// <summary>The unmodified mediasoup-client in headless Chromium sending and receiving through our router.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserMediaTests(BrowserFixture browser)
{
    [Fact]
    public async Task Camera_and_microphone_of_one_page_are_decoded_by_another()
    {
        await using var meeting = await Meeting.StartAsync(browser);

        var first = await meeting.WaitForStatsAsync(s => s.FramesDecoded > 0 && s.TotalSamplesReceived > 0, "video frames and audio samples");
        var later = await meeting.WaitForStatsAsync(
            s => s.FramesDecoded > first.FramesDecoded + 20 && s.AudioPacketsReceived > first.AudioPacketsReceived + 20 && s.TotalSamplesReceived > first.TotalSamplesReceived,
            "frames, audio packets and samples to keep rising");
        Assert.True(later.VideoPacketsReceived > first.VideoPacketsReceived);

        // Chromium's bandwidth estimate rises only with our transport-cc feedback: without it, it sank to ~85 kbps within
        // seconds here; with it, it passed 900 kbps on an idle machine (the threshold leaves room for a loaded one).
        var deadline = DateTime.UtcNow.AddSeconds(15);
        double estimate;
        while ((estimate = await meeting.SenderPage.EvaluateAsync<double>("async () => await parleyOutgoingBitrate()")) < 350_000)
        {
            Assert.True(DateTime.UtcNow < deadline, $"availableOutgoingBitrate stayed at {estimate}");
            await Task.Delay(250);
        }

        Assert.Equal("0", meeting.AudioConsumer.RtpParameters.Mid);
        Assert.Equal("1", meeting.VideoConsumer.RtpParameters.Mid);
        var stats = await meeting.RecvTransport.GetStatsAsync();
        Assert.Equal("webrtc-transport", stats.Type);
        Assert.Equal("connected", stats.DtlsState);
        Assert.True(stats.RtpBytesSent > 0);
    }

    [Fact]
    public async Task Rid_simulcast_from_chromium_is_routed_per_encoding_and_decoded_from_the_layer_forwarded()
    {
        await using var meeting = await Meeting.StartAsync(browser, simulcast: true);
        Assert.Equal(Parley.Media.Ortc.RtpParametersType.Simulcast, meeting.VideoProducer.Type);
        Assert.Equal(Parley.Media.Ortc.RtpParametersType.Simulcast, meeting.VideoConsumer.Type);
        Assert.All(meeting.VideoProducer.RtpParameters.Encodings, e => Assert.NotNull(e.Rid));

        var first = await meeting.WaitForStatsAsync(s => s.FramesDecoded > 0, "frames of the simulcast producer");
        await meeting.WaitForStatsAsync(s => s.FramesDecoded > first.FramesDecoded + 20, "frames to keep coming");
        var streams = await meeting.VideoProducer.GetStatsAsync();
        Assert.True(streams[0].PacketCount > 0);
        var forwarded = Assert.NotNull(meeting.VideoConsumer.CurrentLayers).SpatialLayer;
        Assert.True(streams[forwarded].PacketCount > 0, $"layer {forwarded} is forwarded but received nothing");
        Assert.Equal(streams[forwarded].Ssrc, (await meeting.VideoConsumer.GetStatsAsync())[1].Ssrc);
    }

    [Fact]
    public async Task A_paused_consumer_sends_nothing_and_resumes_with_decodable_video()
    {
        await using var meeting = await Meeting.StartAsync(browser);
        await meeting.WaitForStatsAsync(s => s.FramesDecoded > 0, "the first video frames");

        await meeting.VideoConsumer.PauseAsync();
        await Task.Delay(500);
        var paused = await meeting.StatsAsync();
        await Task.Delay(1000);
        var stillPaused = await meeting.StatsAsync();
        Assert.Equal(paused.VideoPacketsReceived, stillPaused.VideoPacketsReceived);
        Assert.True(stillPaused.AudioPacketsReceived > paused.AudioPacketsReceived);

        await meeting.VideoConsumer.ResumeAsync();
        await meeting.WaitForStatsAsync(s => s.FramesDecoded > stillPaused.FramesDecoded + 10, "frames decoded after the resume");
    }

    [Fact]
    public async Task Restarting_ice_keeps_media_flowing()
    {
        await using var meeting = await Meeting.StartAsync(browser);
        await meeting.WaitForStatsAsync(s => s.FramesDecoded > 0, "the first video frames");
        var before = meeting.RecvTransport.IceParameters;
        var oldRemoteCandidates = (await meeting.IcePairsAsync("recv")).Select(p => p.RemoteCandidateId).ToHashSet();

        await meeting.RestartIceAsync("recv");
        await meeting.RestartIceAsync("send");
        Assert.NotEqual(before.UsernameFragment, meeting.RecvTransport.IceParameters.UsernameFragment);

        // Old credentials are refused after the restart: a pair answered on a new remote candidate proves the new ones work.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!(await meeting.IcePairsAsync("recv")).Any(p => !oldRemoteCandidates.Contains(p.RemoteCandidateId) && p.State == "succeeded" && p.ResponsesReceived > 0))
        {
            Assert.True(DateTime.UtcNow < deadline, "no candidate pair of the restarted ICE generation succeeded");
            await Task.Delay(200);
        }

        var restarted = await meeting.StatsAsync();
        await meeting.WaitForStatsAsync(s => s.FramesDecoded > restarted.FramesDecoded + 30, "frames after the ICE restart");
        Assert.False(meeting.SendTransport.IsClosed);
        Assert.False(meeting.RecvTransport.IsClosed);
    }

    [Fact]
    public async Task Closing_the_producer_closes_the_consumer_which_the_page_then_closes()
    {
        await using var meeting = await Meeting.StartAsync(browser);
        await meeting.WaitForStatsAsync(s => s.FramesDecoded > 0, "the first video frames");
        var producerClosed = new TaskCompletionSource();
        meeting.VideoConsumer.ProducerClosed += (_, _) => producerClosed.TrySetResult();

        await meeting.VideoProducer.CloseAsync();

        await producerClosed.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(meeting.VideoConsumer.IsClosed);
        var closed = await meeting.ReceiverPage.EvaluateAsync<System.Text.Json.JsonElement>("id => parleyCloseConsumer(id)", meeting.VideoConsumer.Id);
        Assert.True(closed.GetProperty("closed").GetBoolean());
        Assert.Equal("ended", closed.GetProperty("trackState").GetString());

        // Audio keeps flowing on the same transports.
        var after = await meeting.StatsAsync();
        await meeting.WaitForStatsAsync(s => s.AudioPacketsReceived > after.AudioPacketsReceived + 20, "audio after the video producer closed");
    }
}
