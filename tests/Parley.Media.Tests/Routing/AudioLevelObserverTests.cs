using System.Threading.Channels;
using Parley.Media.Routing;
using Parley.Media.Rtp;
using Parley.Media.Tests.Ortc;

namespace Parley.Media.Tests.Routing;

/// <summary>The audio level observer over real RTP: the ssrc-audio-level extension of a Chromium-shaped opus producer.</summary>
public sealed class AudioLevelObserverTests
{
    [Fact]
    public async Task The_loudest_producer_is_reported_then_silence_once_it_stops()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile);
        var observer = await scenario.Router.CreateAudioLevelObserverAsync(new AudioLevelObserverOptions { IntervalMs = 200, Threshold = -70 });
        var volumes = Channel.CreateUnbounded<AudioLevelVolume>();
        var silences = Channel.CreateUnbounded<bool>();
        observer.Volumes += (_, v) => volumes.Writer.TryWrite(v);
        observer.Silence += (_, _) => silences.Writer.TryWrite(true);
        await observer.AddProducerAsync(scenario.Producer.Id);
        var levelId = (byte)scenario.Producer.RtpParameters.HeaderExtensions.Single(e => e.Uri == "urn:ietf:params:rtp-hdrext:ssrc-audio-level").Id;

        // Quieter than the threshold (-90 dBov): not a speaker.
        for (ushort i = 0; i < 5; i++)
        {
            await scenario.SendAndWaitAsync(Packet(scenario, i, levelId, 90));
        }

        // A few intervals later, nothing has been reported.
        await Task.Delay(600);
        Assert.False(volumes.Reader.TryRead(out _));
        Assert.False(silences.Reader.TryRead(out _));

        // -30 dBov on average (20 and 40).
        for (ushort i = 5; i < 15; i++)
        {
            await scenario.SendAndWaitAsync(Packet(scenario, i, levelId, (byte)(i % 2 == 0 ? 20 : 40)));
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var loudest = await volumes.Reader.ReadAsync(timeout.Token);
        Assert.Same(scenario.Producer, loudest.Producer);
        Assert.InRange(loudest.Volume, -40, -20);
        Assert.True(await silences.Reader.ReadAsync(timeout.Token));

        await Assert.ThrowsAsync<KeyNotFoundException>(() => observer.AddProducerAsync("no-such-producer"));
    }

    private static byte[] Packet(RoutingScenario scenario, ushort sequence, byte levelId, byte level)
    {
        var buffer = new byte[200];
        var builder = new RtpPacketBuilder(buffer, scenario.ProducerPayloadType, (ushort)(1000 + sequence), sequence * 960u, scenario.ProducerSsrc);
        var value = new byte[] { (byte)(0x80 | level) };
        Assert.True(builder.TryAddExtension(levelId, value));
        Assert.True(builder.TryFinish(new byte[40], 0, out var written));
        return buffer[..written];
    }
}
