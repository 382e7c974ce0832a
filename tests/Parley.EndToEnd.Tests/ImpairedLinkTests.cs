namespace Parley.EndToEnd.Tests;

/// <summary>
/// Adaptive video through a real link (issue 13): Bob's Chromium receives Alice's three-layer simulcast camera and
/// her microphone through <c>tools/Parley.NetRelay</c>, whose downstream drops from 3 Mbit/s to 300 kbit/s and back.
/// The server's estimate and allocator must move him to a lower layer, keep audio flowing and the picture moving,
/// and give the upper layers back. Deadlines are generous (a loaded 2-core machine); the figures and their goals are
/// measured by <c>bench/adaptive/run.sh</c>.
/// </summary>
[Collection(MeetingCollection.Name)]
public sealed class ImpairedLinkTests(MeetingFixture fixture)
{
    private const long Wide = 3_000_000;
    private const long Narrow = 300_000;
    private const int LowestLayerWidth = 320;

    [Fact]
    public async Task A_receiver_whose_link_drops_to_300_kbit_s_steps_down_without_freezing_keeps_the_audio_and_steps_back_up()
    {
        await using var meeting = await ImpairedLinkMeeting.StartAsync(fixture.Browser, Wide);

        // At 3 Mbit/s an upper layer (Chromium's send estimate may hold Alice at the middle one on a loaded machine), for
        // 100 frames: a step in the meeting's first second would catch the server's estimate still at its start value.
        var upper = await meeting.WaitForAsync(
            s => s is { FrameWidth: > LowestLayerWidth, FramesDecoded: >= 100 }, "an upper layer at 3 Mbit/s", TimeSpan.FromSeconds(60));

        // A lower layer, decoded: a smaller picture, or the same one at a lower frame rate. The allocator orders spatial
        // first, so the middle layer at its base temporal layer (about 150 kbit/s) stays when it fits: from the top layer
        // that is a smaller picture; when the sample above caught the middle layer (the server's estimate still climbing),
        // it is the same width at its base temporal layer.
        meeting.SetDownlink(Narrow);
        var step = await meeting.WaitForAsync(_ => true, "a sample at the step", TimeSpan.FromSeconds(10));
        var low = await meeting.WaitForAsync(
            s => s.FrameWidth > 0 && s.FramesDecoded > step.FramesDecoded && IsLowerLayer(s, upper),
            $"a layer under {upper.FrameWidth} px (layers {upper.SpatialLayer}/{upper.TemporalLayer}) decoded at 300 kbit/s", TimeSpan.FromSeconds(30));
        var settled = await meeting.WaitForAsync(s => s.At >= step.At + 10, "10 s of the bottleneck", TimeSpan.FromSeconds(30));
        var held = await meeting.WaitForAsync(s => s.At >= settled.At + 10, "10 s more of the bottleneck", TimeSpan.FromSeconds(30));
        var report = $"step {step}\nlow {low}\nsettled {settled}\nheld {held}\n{await meeting.DiagnosticsAsync()}";

        // The server sends what fits (a lower layer, audio, a little probing), not the top layer into the queue.
        var sentBitsPerSecond = (held.ServerSentBytes - settled.ServerSentBytes) * 8 / (held.At - settled.At);
        Assert.True(sentBitsPerSecond < 2 * Narrow, $"the server sent {sentBitsPerSecond:F0} bit/s into a {Narrow} bit/s link\n{report}");

        // The picture keeps moving: frames decode, and Chromium does not count the whole 20 s frozen (without allocation
        // the decoder stops). The bench's goal is under 0.5 s, met on a quiet machine (docs/benchmarks.md, "Adaptive
        // video": 0–0.52 s). Here the test shares 2 cores with the rest of the suite, and a starved Chromium counts its
        // own stalls as freezes (2–15 s were seen in earlier rounds), so the bound only separates adapting from not.
        Assert.True(held.FramesDecoded - low.FramesDecoded >= 20, $"frames stopped decoding at {Narrow} bit/s\n{report}");
        var frozen = held.TotalFreezesDuration - step.TotalFreezesDuration;
        var freezes = held.FreezeCount - step.FreezeCount;
        Assert.True(frozen < 16 && freezes <= 20, $"{freezes} freezes, {frozen:F1} s frozen in 20 s of the bottleneck\n{report}");

        // Audio keeps flowing: at least half of the 20 s worth of samples (48 kHz), with the fake microphone's beeps in them.
        Assert.True(held.TotalSamplesReceived - step.TotalSamplesReceived >= 48_000 * 10, $"audio samples stalled\n{report}");
        Assert.True(held.TotalAudioEnergy > step.TotalAudioEnergy, $"no audio energy during the bottleneck\n{report}");

        meeting.SetDownlink(Wide);
        await meeting.WaitForAsync(
            s => s.FrameWidth > LowestLayerWidth && s.FramesDecoded > held.FramesDecoded, "an upper layer again at 3 Mbit/s", TimeSpan.FromSeconds(60));
    }

    /// <summary>Whether <paramref name="sample"/> shows a smaller picture than <paramref name="before"/>, or the same spatial layer at a lower temporal layer.</summary>
    private static bool IsLowerLayer(LinkSample sample, LinkSample before) =>
        sample.FrameWidth < before.FrameWidth
        || (sample.SpatialLayer is { } spatial && spatial == before.SpatialLayer
            && sample.TemporalLayer is { } temporal && before.TemporalLayer is { } temporalBefore && temporal < temporalBefore);
}
