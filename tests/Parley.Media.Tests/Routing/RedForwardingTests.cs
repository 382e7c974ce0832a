using System.Buffers.Binary;
using System.Net;
using Parley.Media.Net;
using Parley.Media.Ortc;
using Parley.Media.Routing;
using RtcpGenericNack = Parley.Media.Rtcp.RtcpGenericNack;
using Parley.Media.Rtp;
using Parley.Media.Srtp;
using Parley.Media.Tests.Dtls;
using Parley.Media.Tests.Ortc;
using Parley.Media.Tests.Transports;
using Parley.Media.Transports;
using static Parley.Media.Tests.Net.WebRtcServerSocketTests;

namespace Parley.Media.Tests.Routing;

/// <summary>
/// A producer sending Opus in RED (RFC 2198), over real SRTP. A plain receiver whose capabilities list RED is sent RED
/// with its redundancy, the header's and the blocks' payload types in the consumer's space (its retransmissions too);
/// a plain receiver without RED, and a WebRTC receiver even with RED in its capabilities (mediasoup-client cannot
/// write RED's fmtp, without which Chromium refuses RED), get the primary encoding as plain Opus.
/// </summary>
public sealed class RedForwardingTests : IAsyncDisposable
{
    private const string Suite = SrtpCryptoSuites.AesCm128HmacSha1_80;
    private const byte ProducerRed = 63;
    private const byte ProducerOpus = 111;

    private readonly Worker _worker = TestWorkers.Create();
    private readonly WebRtcServer _server = new(new WebRtcServerOptions { Port = 0 });
    private readonly List<IDisposable> _disposables = [];

    public RedForwardingTests() => _server.Start();

    public async ValueTask DisposeAsync()
    {
        await _worker.CloseAsync();
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        _server.Dispose();
    }

    [Fact]
    public async Task Red_reaches_a_plain_receiver_that_lists_it_as_red_and_every_other_receiver_as_its_primary()
    {
        var router = await _worker.CreateRouterAsync();
        var routerOpus = (byte)router.RtpCapabilities.Codecs.Single(c => c.MimeType == "audio/opus").PreferredPayloadType!.Value;
        var routerRed = (byte)router.RtpCapabilities.Codecs.Single(c => c.MimeType == "audio/red").PreferredPayloadType!.Value;
        var (producer, send) = await ProduceRedAsync(router);

        var redDevice = DeviceWithRed(routerRed);
        var red = await ConsumePlainAsync(router, producer, redDevice);
        var primary = await ConsumePlainAsync(router, producer, OrtcTestData.DeviceCapabilities());
        var (webRtcConsumer, browser) = await ConsumeWebRtcAsync(router, producer, redDevice);
        Assert.Equal(["audio/red", "audio/opus"], red.Consumer.RtpParameters.Codecs.Select(c => c.MimeType));
        Assert.Equal(routerRed, red.Consumer.RtpParameters.Codecs[0].PayloadType);
        Assert.DoesNotContain(primary.Consumer.RtpParameters.Codecs, c => c.MimeType == "audio/red");
        Assert.DoesNotContain(webRtcConsumer.RtpParameters.Codecs, c => c.MimeType == "audio/red");

        // Two redundant blocks (the frames 40 and 20 ms before) and the primary, in the producer's payload types.
        send(TestRtp.Build(ProducerRed, 1, 2880, producer.RtpParameters.Encodings[0].Ssrc!.Value,
            Red(ProducerOpus, [([1, 2, 3], 1920), ([4, 5], 960)], [7, 8, 9, 10])));

        var asRed = await red.ReceiveAsync();
        // Asked for again at once (a repair is sent only while it can still be played).
        red.SendNack(TestRtp.Header(asRed).Sequence);
        var (payloadType, sequence, timestamp, ssrc) = TestRtp.Header(asRed);
        Assert.Equal((routerRed, red.Consumer.RtpParameters.Encodings[0].Ssrc!.Value), (payloadType, ssrc));
        Assert.Equal(Red(routerOpus, [([1, 2, 3], 1920), ([4, 5], 960)], [7, 8, 9, 10]), TestRtp.Payload(asRed));

        var asOpus = await primary.ReceiveAsync();
        Assert.Equal((routerOpus, primary.Consumer.RtpParameters.Encodings[0].Ssrc!.Value), (TestRtp.Header(asOpus).PayloadType, TestRtp.Header(asOpus).Ssrc));
        Assert.Equal([7, 8, 9, 10], TestRtp.Payload(asOpus));

        await WaitUntil(() => browser.Media.Any(UdpPeer.IsRtp));
        var fromBrowser = browser.Media.First(UdpPeer.IsRtp);
        Assert.Equal((routerOpus, webRtcConsumer.Ssrc), (TestRtp.Header(fromBrowser).PayloadType, TestRtp.Header(fromBrowser).Ssrc));
        Assert.Equal([7, 8, 9, 10], fromBrowser[^4..]);

        // The RED receiver lost it: the retransmission is the same RED packet, redundancy and payload types included.
        var resent = await red.ReceiveAsync();
        Assert.Equal(asRed, resent);
        Assert.Equal((sequence, timestamp), (TestRtp.Header(resent).Sequence, TestRtp.Header(resent).Timestamp));
        await Eventually.TrueAsync(async () => (await red.Consumer.GetStatsAsync())[0].PacketsRetransmitted == 1, "the retransmission to be counted");

    }

    [Fact]
    public async Task Malformed_red_is_dropped_and_counted_and_red_without_redundancy_passes_both_ways()
    {
        var router = await _worker.CreateRouterAsync();
        var routerOpus = (byte)router.RtpCapabilities.Codecs.Single(c => c.MimeType == "audio/opus").PreferredPayloadType!.Value;
        var routerRed = (byte)router.RtpCapabilities.Codecs.Single(c => c.MimeType == "audio/red").PreferredPayloadType!.Value;
        var (producer, send) = await ProduceRedAsync(router);
        var red = await ConsumePlainAsync(router, producer, DeviceWithRed(routerRed));
        var primary = await ConsumePlainAsync(router, producer, OrtcTestData.DeviceCapabilities());
        var ssrc = producer.RtpParameters.Encodings[0].Ssrc!.Value;

        // A block running past the payload: received, counted, forwarded to nobody.
        send(TestRtp.Build(ProducerRed, 2, 1920, ssrc, [0xEF, 0x03, 0xC0, 0x09, 0x6F, 1]));
        await Eventually.TrueAsync(async () => (await producer.GetStatsAsync())[0].PacketsDiscarded == 1, "the malformed RED packet to be counted");

        // A block naming a payload type the producer did not declare: the same.
        send(TestRtp.Build(ProducerRed, 3, 2880, ssrc, Red((byte)(ProducerOpus + 1), [([1], 960)], [2])));
        await Eventually.TrueAsync(async () => (await producer.GetStatsAsync())[0].PacketsDiscarded == 2, "RED naming an unknown payload type to be counted");

        // A primary alone (no redundancy) comes through both ways.
        send(TestRtp.Build(ProducerRed, 4, 3840, ssrc, Red(ProducerOpus, [], [5, 5])));
        var asOpus = await primary.ReceiveAsync();
        Assert.Equal(routerOpus, TestRtp.Header(asOpus).PayloadType);
        Assert.Equal([5, 5], TestRtp.Payload(asOpus));
        var asRed = await red.ReceiveAsync();
        Assert.Equal(routerRed, TestRtp.Header(asRed).PayloadType);
        Assert.Equal(Red(routerOpus, [], [5, 5]), TestRtp.Payload(asRed));
        Assert.DoesNotContain(primary.Peer.Drain(), UdpPeer.IsRtp);
        Assert.DoesNotContain(red.Peer.Drain(), UdpPeer.IsRtp);
    }

    [Fact]
    public async Task A_plain_receiver_listing_red_without_the_codec_its_blocks_carry_cannot_consume()
    {
        var router = await _worker.CreateRouterAsync();
        var routerRed = (byte)router.RtpCapabilities.Codecs.Single(c => c.MimeType == "audio/red").PreferredPayloadType!.Value;
        var (producer, _) = await ProduceRedAsync(router);
        var redOnly = DeviceWithRed(routerRed);
        redOnly.Codecs.RemoveAll(c => c.MimeType == "audio/opus");

        var transport = await router.CreatePlainTransportAsync(new PlainTransportOptions());
        await Assert.ThrowsAsync<OrtcException>(() => transport.ConsumeAsync(producer.Id, redOnly));
    }

    /// <summary>A producer on a plain SRTP transport declaring RED before Opus (as Chromium does when it sends RED), with NACK.</summary>
    private async Task<(Producer Producer, Action<byte[]> Send)> ProduceRedAsync(Router router)
    {
        var transport = await router.CreatePlainTransportAsync(new PlainTransportOptions { Comedia = true, EnableSrtp = true, SrtpCryptoSuite = Suite });
        var keys = SrtpParameters.Generate(Suite);
        await transport.ConnectAsync(srtpParameters: keys);
        var sender = Own(new UdpPeer());
        var context = Own(keys.CreateContext());

        var parameters = OrtcTestData.Producer(OrtcTestData.AudioOpusFile);
        parameters.Codecs.Insert(0, new RtpCodecParameters
        {
            MimeType = "audio/red", PayloadType = ProducerRed, ClockRate = 48000, Channels = 2, RtcpFeedback = [new RtcpFeedback { Type = "nack" }],
        });
        var producer = await transport.ProduceAsync(MediaKind.Audio, parameters);
        return (producer, packet => sender.SendTo(transport.Tuple.LocalPort, Protect(context, packet, isRtcp: false)));
    }

    private static RtpCapabilities DeviceWithRed(byte routerRed)
    {
        var device = OrtcTestData.DeviceCapabilities();
        device.Codecs.Add(new RtpCodecCapability
        {
            Kind = MediaKind.Audio, MimeType = "audio/red", ClockRate = 48000, Channels = 2, PreferredPayloadType = routerRed,
            RtcpFeedback = [new RtcpFeedback { Type = "nack" }],
        });
        return device;
    }

    private async Task<PlainReceiver> ConsumePlainAsync(Router router, Producer producer, RtpCapabilities device)
    {
        var peer = Own(new UdpPeer());
        var transport = await router.CreatePlainTransportAsync(new PlainTransportOptions { EnableSrtp = true, SrtpCryptoSuite = Suite });
        var receiverKeys = SrtpParameters.Generate(Suite);
        await transport.ConnectAsync(IPAddress.Loopback, peer.Port, srtpParameters: receiverKeys);
        var consumer = await transport.ConsumeAsync(producer.Id, device);
        await consumer.ResumeAsync();
        return new PlainReceiver(transport, consumer, peer, receiverKeys);
    }

    private async Task<(Consumer Consumer, LoopbackWebRtcPeer Browser)> ConsumeWebRtcAsync(Router router, Producer producer, RtpCapabilities device)
    {
        var transport = await router.CreateWebRtcTransportAsync(new WebRtcTransportOptions { WebRtcServer = _server, Certificate = TestCertificates.Server });
        var browser = Own(new LoopbackWebRtcPeer(_server.UdpPort));
        await browser.ConnectAsync(transport);
        var consumer = await transport.ConsumeAsync(producer.Id, device);
        await consumer.ResumeAsync();
        return (consumer, browser);
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    /// <summary>A RED payload: redundant blocks (data, timestamp offset), oldest first, then the primary.</summary>
    private static byte[] Red(byte opus, (byte[] Data, int Offset)[] redundant, byte[] primary)
    {
        var buffer = new byte[100];
        var writer = new RedPayloadWriter(buffer, redundant.Length);
        foreach (var (data, offset) in redundant)
        {
            Assert.True(writer.TryAddRedundant(opus, offset, data));
        }

        Assert.True(writer.TryFinish(opus, primary, out var written));
        return buffer[..written];
    }

    private static byte[] Protect(SrtpContext context, byte[] packet, bool isRtcp)
    {
        var buffer = new byte[packet.Length + 64];
        packet.CopyTo(buffer, 0);
        var result = isRtcp ? context.ProtectRtcp(buffer, packet.Length, out var length) : context.ProtectRtp(buffer, packet.Length, out length);
        Assert.Equal(SrtpResult.Ok, result);
        return buffer[..length];
    }

    /// <summary>A plain RTP receiver with its own SRTP keys (what it tells the transport it protects its RTCP with).</summary>
    private sealed record PlainReceiver(PlainTransport Transport, Consumer Consumer, UdpPeer Peer, SrtpParameters Keys)
    {
        public async Task<byte[]> ReceiveAsync()
        {
            var received = await Peer.ReceiveRtpAsync();
            using var context = Transport.SrtpParameters!.CreateContext();
            Assert.Equal(SrtpResult.Ok, context.UnprotectRtp(received, received.Length, out var plainLength));
            return received[..plainLength];
        }

        public void SendNack(ushort sequence)
        {
            var nack = new byte[64];
            Assert.True(RtcpGenericNack.TryWrite(nack, 1, Consumer.RtpParameters.Encodings[0].Ssrc!.Value, [sequence], out var length));
            using var context = Keys.CreateContext();
            Peer.SendTo(Transport.Tuple.LocalPort, Protect(context, nack[..length], isRtcp: true));
        }
    }
}
