using System.Buffers.Binary;
using Parley.Media.Ortc;
using Parley.Media.Tests.Ortc;
using Parley.Media.Tests.Routing;
using static Parley.Media.Tests.Net.WebRtcServerSocketTests;

namespace Parley.Media.Tests.Transports;

/// <summary>What a WebRtcTransport sends carries the transport-wide-cc extension with the transport's own sequence.</summary>
public sealed class TransportWideSequenceTests
{
    [Fact]
    public async Task Every_packet_of_a_consumer_that_negotiated_transport_cc_carries_consecutive_transport_sequence_numbers()
    {
        await using var scenario = await BandwidthScenario.StartAsync();
        var video = OrtcTestData.Producer(OrtcTestData.H264File);
        var audio = OrtcTestData.Producer(OrtcTestData.AudioOpusFile);
        var (_, videoConsumer) = await scenario.ProduceAndConsumeAsync(MediaKind.Video, video);
        var (_, audioConsumer) = await scenario.ProduceAndConsumeAsync(MediaKind.Audio, audio);
        Assert.Contains(videoConsumer.RtpParameters.HeaderExtensions, e => e.Uri == RtpHeaderExtensionUris.TransportWideCcDraft01 && e.Id == BandwidthScenario.TransportCcId);

        var videoSsrc = videoConsumer.RtpParameters.Encodings[0].Ssrc!.Value;
        var audioSsrc = audioConsumer.RtpParameters.Encodings[0].Ssrc!.Value;
        var videoPt = (byte)video.Codecs[0].PayloadType;
        var audioPt = (byte)audio.Codecs[0].PayloadType;

        // The producer's own transport-wide numbers (id 3 here, far from ours) must not leak through.
        scenario.Send(TestRtp.Build(videoPt, 1, 0, video.Encodings[0].Ssrc!.Value, TestRtp.H264KeyFrame(1), (3, [0x77, 0x77])));
        await WaitUntil(() => scenario.ReceivedRtp(videoSsrc).Count == 1);
        for (var i = 0; i < 20; i++)
        {
            scenario.Send(TestRtp.Build(videoPt, (ushort)(2 + i), (uint)(i * 3000), video.Encodings[0].Ssrc!.Value, TestRtp.H264DeltaFrame((byte)i)));
            scenario.Send(TestRtp.Build(audioPt, (ushort)(100 + i), (uint)(i * 960), audio.Encodings[0].Ssrc!.Value, [1, 2, (byte)i]));
        }

        await WaitUntil(() => scenario.ReceivedRtp(videoSsrc).Count == 21 && scenario.ReceivedRtp(audioSsrc).Count == 20);

        // One sequence for the transport, every number from the first on, once (probe padding on the consumer's RTX
        // SSRC takes numbers too); the video's rise in the order it was sent.
        var rtxSsrc = videoConsumer.RtpParameters.Encodings[0].Rtx!.Ssrc;
        var stamped = scenario.ReceivedRtp(videoSsrc).Concat(scenario.ReceivedRtp(rtxSsrc))
            .Select(p => BandwidthScenario.TransportSequence(p) ?? throw new Xunit.Sdk.XunitException("a video packet without the extension"))
            .Order()
            .ToArray();
        Assert.Equal(Enumerable.Range(stamped[0], stamped.Length).Select(i => (ushort)i), stamped);
        var video21 = scenario.ReceivedRtp(videoSsrc).OrderBy(p => TestRtp.Header(p).Sequence).Select(p => BandwidthScenario.TransportSequence(p)!.Value).ToArray();
        Assert.Equal(21, video21.Length);
        Assert.Equal(video21.Order(), video21);

        // Audio consumers do not negotiate it (as in mediasoup: the router offers it to audio receive-only).
        Assert.DoesNotContain(audioConsumer.RtpParameters.HeaderExtensions, e => e.Uri == RtpHeaderExtensionUris.TransportWideCcDraft01);
        Assert.All(scenario.ReceivedRtp(audioSsrc), p => Assert.Null(BandwidthScenario.TransportSequence(p)));

        // Each send is in the history, waiting for feedback.
        var inFlight = await scenario.Worker.InvokeAsync(() => scenario.Transport.Bandwidth.Estimator.BytesInFlight);
        Assert.True(inFlight >= 21 * 12, $"{inFlight} bytes in flight");
    }

    [Fact]
    public async Task Pacing_stamping_and_sending_with_the_extension_and_taking_the_feedback_allocate_nothing()
    {
        await using var scenario = await BandwidthScenario.StartAsync();
        var video = OrtcTestData.Producer(OrtcTestData.H264File);
        var (_, consumer) = await scenario.ProduceAndConsumeAsync(MediaKind.Video, video);
        var ssrc = consumer.RtpParameters.Encodings[0].Ssrc!.Value;
        var packet = TestRtp.Build(96, 1, 0, ssrc, new byte[1100], (2, [0x01]));
        ushort sequence = 0;
        var transport = scenario.Transport;

        // At the start estimate (pacing at 1.5 Mbit/s) two packets at once are more than the budget: the second waits in
        // the pacer's store and leaves from its drain, stamped and protected then (the worker's alarm cannot run inside
        // this call, so the drain is called here the way the alarm calls it).
        void SendTwo()
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence++);
            transport.SendRtp(packet);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence++);
            transport.SendRtp(packet);
            while (transport.Pacing.QueuedPackets > 0)
            {
                transport.Pacing.Drain(transport.Bandwidth.NowMicroseconds);
            }
        }

        var (allocated, inFlight, queued) = await scenario.Worker.InvokeAsync(() =>
            (AllocationMeter.LeastPerRound(SendTwo, warmUp: 10, perRound: 20), transport.Bandwidth.Estimator.BytesInFlight, transport.Pacing.Queued));
        Assert.Equal(0, allocated);
        Assert.True(inFlight >= 220L * 1100, $"{inFlight} bytes in flight");
        Assert.True(queued >= 100, $"{queued} of 220 queued");
        Assert.Equal(0, await scenario.Worker.InvokeAsync(() => transport.Pacing.DroppedExpired + transport.Pacing.DroppedQueueFull));

        // The receiver's feedback for those 220 packets, 20 a packet (one in ten lost), taken through the RTCP path.
        var feedback = new List<byte[]>();
        for (var first = 0; first < 220; first += 20)
        {
            var arrivals = Enumerable.Range(first, 20).Where(i => i % 10 != 3)
                .Select(i => new Parley.Media.Rtcp.TransportCcArrival((ushort)i, 1_000_000 + (i * 4_000L)))
                .ToArray();
            var buffer = new byte[1200];
            Assert.True(Parley.Media.Rtcp.RtcpTransportFeedback.TryWrite(buffer, 0x7E57, ssrc, (byte)feedback.Count, arrivals, out var written));
            feedback.Add(buffer[..written]);
        }

        var next = 0;
        void FeedOne() => transport.HandleRtcp(feedback[next++]);
        var feedbackAllocated = await scenario.Worker.InvokeAsync(() => AllocationMeter.LeastPerRound(FeedOne, warmUp: 1, perRound: 2));
        Assert.Equal(0, feedbackAllocated);
        Assert.Equal(11, await scenario.Worker.InvokeAsync(() => transport.Bandwidth.FeedbackReceived));
    }
}
