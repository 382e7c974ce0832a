using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using Parley.Media.Bwe;
using Parley.Media.Ortc;
using Parley.Media.Rtcp;
using Parley.Media.Routing;
using Parley.Media.Rtp;
using Parley.Media.Tests.Ortc;
using Parley.Media.Tests.Routing;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Transports;

/// <summary>A WebRtcTransport's pacer on the real send path (ICE, DTLS, SRTP to a loopback peer).</summary>
public sealed class PacedSendTests
{
    [Fact]
    public async Task A_keyframe_burst_leaves_spread_at_the_pacing_rate_and_audio_goes_out_at_once()
    {
        await using var scenario = await BandwidthScenario.StartAsync();
        var (_, videoConsumer) = await scenario.ProduceAndConsumeWithoutTransportCcAsync(MediaKind.Video, OrtcTestData.Producer(OrtcTestData.H264File));
        var (_, audioConsumer) = await scenario.ProduceAndConsumeAsync(MediaKind.Audio, OrtcTestData.Producer(OrtcTestData.AudioOpusFile));
        var videoSsrc = videoConsumer.RtpParameters.Encodings[0].Ssrc!.Value;
        var audioSsrc = audioConsumer.RtpParameters.Encodings[0].Ssrc!.Value;

        // A known estimate: without transport-cc, the receiver's REMB is the target; the pacer runs at 2.5 × it.
        const long estimate = 1_000_000;
        await SetEstimateAsync(scenario, videoSsrc, estimate);

        var sent = new ConcurrentQueue<(uint Ssrc, ushort Sequence, long Timestamp)>();
        scenario.Transport.SentObserver = (packet, timestamp) =>
            sent.Enqueue((BinaryPrimitives.ReadUInt32BigEndian(packet[8..]), BinaryPrimitives.ReadUInt16BigEndian(packet[2..]), timestamp));

        // A keyframe: 40 packets of 1,100 bytes handed to the transport at once, and an audio packet right behind them.
        var pt = (byte)videoConsumer.RtpParameters.Codecs[0].PayloadType;
        var audioPt = (byte)audioConsumer.RtpParameters.Codecs[0].PayloadType;
        var handedAt = await scenario.Worker.InvokeAsync(() =>
        {
            var at = Stopwatch.GetTimestamp();
            for (var i = 0; i < 40; i++)
            {
                scenario.Transport.SendRtp(TestRtp.Build(pt, (ushort)(1000 + i), 90_000, videoSsrc, new byte[1100 - RtpPacket.FixedHeaderLength]));
            }

            scenario.Transport.SendRtp(TestRtp.Build(audioPt, 500, 960, audioSsrc, [1, 2, 3]));
            return at;
        });

        await BandwidthScenario.WaitForAsync(() => Task.FromResult(scenario.ReceivedRtp(videoSsrc).Count == 40), "the 40 video packets to arrive");
        Assert.Single(scenario.ReceivedRtp(audioSsrc));
        var videoSends = sent.Where(s => s.Ssrc == videoSsrc).ToList();
        Assert.Equal(Enumerable.Range(1000, 40).Select(i => (ushort)i), videoSends.Select(s => s.Sequence));

        // 40 × 1,100 B at 2.5 Mbit/s is 141 ms, less the 10 ms burst the first packets go out on.
        var spread = Stopwatch.GetElapsedTime(videoSends[0].Timestamp, videoSends[^1].Timestamp);
        Assert.InRange(spread.TotalMilliseconds, 100, 1000);
        var audioSentAt = sent.Single(s => s.Ssrc == audioSsrc).Timestamp;
        Assert.True(audioSentAt < videoSends[5].Timestamp, "the audio packet waited behind the burst");
        Assert.True(Stopwatch.GetElapsedTime(handedAt, audioSentAt) < spread / 2);
        var pacing = await scenario.Worker.InvokeAsync(() => (scenario.Transport.Pacing.PacingBitrate, scenario.Transport.Pacing.Queued));
        Assert.Equal(2_500_000, pacing.PacingBitrate);
        Assert.True(pacing.Queued >= 30, $"{pacing.Queued} queued");
    }

    [Fact]
    public async Task At_a_layer_switch_what_the_old_layer_has_waiting_in_the_pacer_is_dropped_and_the_keyframe_leaves_next()
    {
        await using var scenario = await BandwidthScenario.StartAsync();
        var parameters = SimulcastTests.SimulcastParameters();
        var (_, consumer) = await scenario.ProduceAndConsumeWithoutTransportCcAsync(MediaKind.Video, parameters);
        var ssrc = consumer.RtpParameters.Encodings[0].Ssrc!.Value;
        var pt = (byte)parameters.Codecs[0].PayloadType;
        var sequences = new ushort[3];
        byte[] Packet(int layer, bool keyFrame, byte tag, int size)
        {
            var sequence = sequences[layer]++;
            byte[] descriptor = [0x90, 0xC0, (byte)(0x80 | (sequence >> 8)), (byte)sequence, (byte)sequence];
            var body = new byte[size];
            (body[0], body[3], body[4], body[5], body[^1]) = ((byte)(keyFrame ? 0x00 : 0x01), 0x9d, 0x01, 0x2a, tag);
            return TestRtp.Build(pt, sequence, (uint)sequence * 3000, parameters.Encodings[layer].Ssrc!.Value, [.. descriptor, .. body]);
        }

        byte TagOf(byte[] packet) => TestRtp.Payload(packet)[^1];
        void Feed(params byte[][] packets)
        {
            foreach (var packet in packets)
            {
                scenario.ProducerTransport.HandleRtp(packet);
            }
        }

        // The top layer forwarded (its keyframe first, so that it is the first target) at a 3 Mbit/s estimate.
        await SetEstimateAsync(scenario, ssrc, 3_000_000);
        await scenario.Worker.InvokeAsync(() => Feed(Packet(2, true, 1, 1000), Packet(0, false, 2, 200), Packet(2, false, 3, 1000)));
        await BandwidthScenario.WaitForAsync(() => Task.FromResult(consumer.CurrentLayers?.SpatialLayer == 2), "the top layer");

        // The link narrows: 200 kbit/s (paced at 500), and the consumer is to go down to layer 0 at its keyframe.
        await SetEstimateAsync(scenario, ssrc, 200_000);
        await consumer.SetPreferredLayersAsync(0);
        var sent = new ConcurrentQueue<(uint Ssrc, byte Tag)>();
        scenario.Transport.SentObserver = (packet, _) => sent.Enqueue((BinaryPrimitives.ReadUInt32BigEndian(packet[8..]), packet[^1]));

        // 30 packets of the top layer arrive at once and wait in the pacer (30 kB: half a second at 500 kbit/s); then
        // layer 0's keyframe.
        var (sentBeforeSwitch, waiting) = await scenario.Worker.InvokeAsync(() =>
        {
            for (var i = 0; i < 30; i++)
            {
                Feed(Packet(2, false, (byte)(100 + i), 1000));
            }

            var waiting = scenario.Transport.Pacing.QueuedPackets;
            var sentBeforeKeyFrame = sent.Count;
            Feed(Packet(0, true, 200, 200));
            return (sentBeforeKeyFrame, waiting);
        });
        Assert.True(waiting > 20, $"{waiting} packets waiting in the pacer");

        try
        {
            await BandwidthScenario.WaitForAsync(() => Task.FromResult(scenario.ReceivedRtp(ssrc).Any(p => TagOf(p) == 200)), "layer 0's keyframe to arrive");
        }
        catch (Xunit.Sdk.XunitException)
        {
            var state = await scenario.Worker.InvokeAsync(() => (scenario.Transport.Pacing.QueuedPackets, scenario.Transport.Pacing.PacingBitrate));
            Assert.Fail($"layer 0's keyframe never arrived: layers {consumer.CurrentLayers}, {waiting} waited, pacer {state}, "
                + $"sent after the switch [{string.Join(",", sent.Skip(sentBeforeSwitch).Select(s => $"{s.Ssrc:x}:{s.Tag}"))}], "
                + $"received [{string.Join(",", scenario.ReceivedRtp(ssrc).Select(TagOf))}], drops {string.Join(",", await scenario.Transport.GetDropCountsAsync())}");
        }

        var afterSwitch = sent.Skip(sentBeforeSwitch).Where(s => s.Ssrc == ssrc).Select(s => s.Tag).ToList();
        Assert.Equal(200, afterSwitch[0]);
        Assert.DoesNotContain(afterSwitch, tag => tag is >= 100 and < 130);
        Assert.Equal(0, consumer.CurrentLayers?.SpatialLayer);
        var drops = await scenario.Transport.GetDropCountsAsync();
        Assert.Equal(30 - sent.Take(sentBeforeSwitch).Count(s => s.Tag is >= 100 and < 130), drops[RtpDropReason.PacerSuperseded]);
    }

    /// <summary>Makes <paramref name="bitsPerSecond"/> the transport's estimate: without transport-cc, the receiver's REMB is the target.</summary>
    private static async Task SetEstimateAsync(BandwidthScenario scenario, uint ssrc, long bitsPerSecond)
    {
        scenario.SendRemb(ssrc, (ulong)bitsPerSecond);
        await BandwidthScenario.WaitForAsync(
            async () => (await scenario.Transport.GetStatsAsync()).AvailableOutgoingBitrate == bitsPerSecond, $"the REMB of {bitsPerSecond} bit/s to be the estimate");
    }

    [Fact]
    public async Task Probe_packets_are_rtx_copies_of_the_media_packets_sent_last()
    {
        await using var scenario = await BandwidthScenario.StartAsync();
        var video = OrtcTestData.Producer(OrtcTestData.H264File);
        var (_, consumer) = await scenario.ProduceAndConsumeAsync(MediaKind.Video, video);
        var videoSsrc = consumer.RtpParameters.Encodings[0].Ssrc!.Value;
        var rtxSsrc = consumer.RtpParameters.Encodings[0].Rtx!.Ssrc;
        var ssrc = video.Encodings[0].Ssrc!.Value;
        var pt = (byte)video.Codecs[0].PayloadType;

        // The start-up probes have only padding to send (nothing was forwarded yet): wait until they are done.
        await BandwidthScenario.WaitForAsync(() => scenario.Worker.InvokeAsync(() => !scenario.Transport.Pacing.Probing), "the start-up probes to end");
        for (var i = 0; i < 12; i++)
        {
            byte[] frame = i == 0 ? TestRtp.H264KeyFrame((byte)i) : TestRtp.H264DeltaFrame((byte)i);
            scenario.Send(TestRtp.Build(pt, (ushort)(200 + i), (uint)(i * 3000), ssrc, [.. frame, .. Enumerable.Repeat((byte)i, 300)]));
        }

        await BandwidthScenario.WaitForAsync(() => Task.FromResult(scenario.ReceivedRtp(videoSsrc).Count == 12), "the 12 media packets to arrive");
        var probesBefore = await scenario.Worker.InvokeAsync(() => scenario.Transport.Pacing.ProbePackets);

        var cluster = ProbeCluster.For(1_000, 1_500_000);
        await scenario.Worker.InvokeAsync(() => scenario.Transport.StartProbe(cluster));
        await BandwidthScenario.WaitForAsync(() => scenario.Worker.InvokeAsync(() => !scenario.Transport.Pacing.Probing), "the probe to end");

        var probes = await scenario.Worker.InvokeAsync(() => scenario.Transport.Pacing.ProbePackets) - probesBefore;
        Assert.True(probes >= cluster.MinPackets, $"{probes} probe packets");
        await BandwidthScenario.WaitForAsync(
            () => Task.FromResult(scenario.ReceivedRtp(rtxSsrc).Count(p => TestRtp.Payload(p).Length > 2) >= probes),
            "the probe packets to arrive");

        var media = scenario.ReceivedRtp(videoSsrc).ToDictionary(p => TestRtp.Header(p).Sequence);
        var copies = scenario.ReceivedRtp(rtxSsrc).Where(p => TestRtp.Payload(p).Length > 2).ToList();
        Assert.All(copies, copy =>
        {
            var payload = TestRtp.Payload(copy);
            var originalSequence = BinaryPrimitives.ReadUInt16BigEndian(payload);
            Assert.True(media.TryGetValue(originalSequence, out var original), $"OSN {originalSequence} is no packet sent");
            Assert.Equal(TestRtp.Payload(original), payload[2..]);
            Assert.Equal(TestRtp.Header(original).Timestamp, TestRtp.Header(copy).Timestamp);
        });

        // They are the packets sent last, newest first, each once before any repeats.
        var newest = media.Keys.Max();
        var osns = copies.Select(c => BinaryPrimitives.ReadUInt16BigEndian(TestRtp.Payload(c))).ToList();
        Assert.All(osns, osn => Assert.InRange((ushort)(newest - osn), 0, Parley.Media.Routing.RtpSendStream.ProbeDepth - 1));
        Assert.Equal(osns.Take(Math.Min(osns.Count, Parley.Media.Routing.RtpSendStream.ProbeDepth)).Distinct().Count(), Math.Min(osns.Count, Parley.Media.Routing.RtpSendStream.ProbeDepth));
        Assert.True((await scenario.Transport.GetStatsAsync()).ProbationBytesSent > 0);
    }
}
