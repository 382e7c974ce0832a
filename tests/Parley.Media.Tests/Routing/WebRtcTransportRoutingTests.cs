using System.Net;
using Parley.Media.Dtls;
using Parley.Media.Ice;
using Parley.Media.Net;
using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Tests.Dtls;
using Parley.Media.Tests.Ortc;
using Parley.Media.Tests.Transports;
using Parley.Media.Transports;
using static Parley.Media.Tests.Net.WebRtcServerSocketTests;

namespace Parley.Media.Tests.Routing;

/// <summary>Media through a WebRtcTransport (ICE-lite, DTLS, SRTP on the shared port) and the router, both ways.</summary>
public sealed class WebRtcTransportRoutingTests
{
    [Fact]
    public async Task A_webrtc_producer_reaches_a_plain_consumer_and_a_plain_producer_reaches_a_webrtc_consumer()
    {
        using var server = new WebRtcServer(new WebRtcServerOptions { Port = 0 });
        server.Start();
        await using var worker = TestWorkers.Create();
        var router = await worker.CreateRouterAsync();
        var webRtc = await router.CreateWebRtcTransportAsync(server, TestCertificates.Server);
        using var peer = new LoopbackWebRtcPeer(server.UdpPort);
        peer.SendCheck(webRtc.IceParameters);
        await WaitUntil(() => webRtc.IceState == IceState.Completed);
        await webRtc.ConnectAsync(peer.DtlsParameters);
        await peer.ConnectDtlsAsync(webRtc.DtlsParameters);
        await WaitUntil(() => webRtc.DtlsState == DtlsState.Connected);

        // Browser -> router -> plain consumer.
        var audio = OrtcTestData.Producer(OrtcTestData.AudioOpusFile);
        var producer = await webRtc.ProduceAsync(MediaKind.Audio, audio);
        var plain = await router.CreatePlainTransportAsync();
        using var receiver = new UdpPeer();
        await plain.ConnectAsync(IPAddress.Loopback, receiver.Port);
        var consumer = await plain.ConsumeAsync(producer.Id, OrtcTestData.DeviceCapabilities());
        await consumer.ResumeAsync();
        peer.SendProtected(TestRtp.Build((byte)audio.Codecs[0].PayloadType, 7, 960, audio.Encodings[0].Ssrc!.Value, [4, 5, 6]), isRtcp: false);
        var received = await receiver.ReceiveRtpAsync();
        Assert.Equal([4, 5, 6], TestRtp.Payload(received));
        Assert.Equal(consumer.RtpParameters.Encodings[0].Ssrc, TestRtp.Header(received).Ssrc);

        // Plain producer -> router -> browser.
        var plainProducerTransport = await router.CreatePlainTransportAsync(new PlainTransportOptions { Comedia = true });
        var video = OrtcTestData.Producer(OrtcTestData.H264File);
        var videoProducer = await plainProducerTransport.ProduceAsync(MediaKind.Video, video);
        var videoConsumer = await webRtc.ConsumeAsync(videoProducer.Id, OrtcTestData.DeviceCapabilities());
        await videoConsumer.ResumeAsync();
        using var sender = new UdpPeer();
        sender.SendTo(plainProducerTransport.Tuple.LocalPort, TestRtp.Build((byte)video.Codecs[0].PayloadType, 1, 0, video.Encodings[0].Ssrc!.Value, TestRtp.H264KeyFrame(7)));
        var consumerSsrc = videoConsumer.RtpParameters.Encodings[0].Ssrc!.Value;
        await WaitUntil(() => peer.Media.Any(m => UdpPeer.IsRtp(m) && TestRtp.Header(m).Ssrc == consumerSsrc));
        var media = peer.Media.First(m => UdpPeer.IsRtp(m) && TestRtp.Header(m).Ssrc == consumerSsrc);
        Assert.Equal(TestRtp.H264KeyFrame(7), TestRtp.Payload(media));

        var stats = await webRtc.GetStatsAsync();
        Assert.Equal("webrtc-transport", stats.Type);
        Assert.True(stats.RtpPacketCountReceived >= 1);
        Assert.True(stats.RtpPacketCountSent >= 1);

        await router.CloseAsync();
        Assert.True(webRtc.IsClosed);
        await WaitUntil(() => worker.Buffers.Outstanding == 0);
    }
}
