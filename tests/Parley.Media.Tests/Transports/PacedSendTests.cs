using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using Parley.Media.Bwe;
using Parley.Media.Ortc;
using Parley.Media.Rtcp;
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
        var video = OrtcTestData.Producer(OrtcTestData.H264File);
        var producer = await scenario.ProducerTransport.ProduceAsync(MediaKind.Video, video);
        var capabilities = OrtcTestData.DeviceCapabilities();
        capabilities.HeaderExtensions.RemoveAll(e => e.Uri == RtpHeaderExtensionUris.TransportWideCcDraft01);
        var videoConsumer = await scenario.Transport.ConsumeAsync(producer.Id, capabilities);
        await videoConsumer.ResumeAsync();
        var (_, audioConsumer) = await scenario.ProduceAndConsumeAsync(MediaKind.Audio, OrtcTestData.Producer(OrtcTestData.AudioOpusFile));
        var videoSsrc = videoConsumer.RtpParameters.Encodings[0].Ssrc!.Value;
        var audioSsrc = audioConsumer.RtpParameters.Encodings[0].Ssrc!.Value;

        // A known estimate: without transport-cc, the receiver's REMB is the target; the pacer runs at 2.5 × it.
        const long estimate = 1_000_000;
        var remb = new byte[64];
        Assert.True(RtcpRemb.TryWrite(remb, 0x7E57, estimate, [videoSsrc], out var rembLength));
        scenario.Peer.SendProtected(remb[..rembLength], isRtcp: true);
        await BandwidthScenario.WaitForAsync(
            async () => (await scenario.Transport.GetStatsAsync()).AvailableOutgoingBitrate == estimate, "the REMB to be the estimate");

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
