using System.Net;
using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Rtp;
using Parley.Media.Srtp;
using Parley.Media.Tests.Ortc;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Routing;

/// <summary>
/// A producer sending Opus in RED (RFC 2198), over real SRTP: every consumer gets the primary encoding as plain Opus,
/// even one whose device lists RED (a browser through mediasoup-client cannot be told RED's fmtp, without which Chromium
/// refuses RED); the router-space RED, with blocks renumbered, is what the producer stream holds.
/// </summary>
public sealed class RedForwardingTests
{
    private const string Suite = SrtpCryptoSuites.AesCm128HmacSha1_80;
    private const byte ProducerRed = 63;
    private const byte ProducerOpus = 111;

    [Fact]
    public async Task Red_reaches_consumers_as_its_primary_opus_and_malformed_red_is_dropped_and_counted()
    {
        await using var worker = TestWorkers.Create();
        var router = await worker.CreateRouterAsync();
        var routerOpus = (byte)router.RtpCapabilities.Codecs.Single(c => c.MimeType == "audio/opus").PreferredPayloadType!.Value;
        var routerRed = (byte)router.RtpCapabilities.Codecs.Single(c => c.MimeType == "audio/red").PreferredPayloadType!.Value;

        var producerTransport = await router.CreatePlainTransportAsync(new PlainTransportOptions { Comedia = true, EnableSrtp = true, SrtpCryptoSuite = Suite });
        var senderKeys = SrtpParameters.Generate(Suite);
        await producerTransport.ConnectAsync(srtpParameters: senderKeys);
        using var sender = new UdpPeer();

        var parameters = OrtcTestData.Producer(OrtcTestData.AudioOpusFile);
        parameters.Codecs.Insert(0, new RtpCodecParameters { MimeType = "audio/red", PayloadType = ProducerRed, ClockRate = 48000, Channels = 2 });
        var producer = await producerTransport.ProduceAsync(MediaKind.Audio, parameters);

        var redDevice = OrtcTestData.DeviceCapabilities();
        redDevice.Codecs.Add(new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "audio/red", ClockRate = 48000, Channels = 2, PreferredPayloadType = routerRed });
        using var redReceiver = new UdpPeer();
        using var plainReceiver = new UdpPeer();
        var (redTransport, redConsumer) = await ConsumeAsync(router, producer, redDevice, redReceiver);
        var (plainTransport, plainConsumer) = await ConsumeAsync(router, producer, OrtcTestData.DeviceCapabilities(), plainReceiver);
        Assert.DoesNotContain(redConsumer.RtpParameters.Codecs, c => c.MimeType == "audio/red");
        Assert.DoesNotContain(plainConsumer.RtpParameters.Codecs, c => c.MimeType == "audio/red");

        using var senderContext = senderKeys.CreateContext();
        var ssrc = parameters.Encodings[0].Ssrc!.Value;
        sender.SendTo(producerTransport.Tuple.LocalPort, Protect(senderContext, TestRtp.Build(ProducerRed, 1, 960, ssrc, Red(ProducerOpus, [1, 2, 3], [7, 8, 9, 10]))));

        var fromRedDevice = await ReceiveAsync(redReceiver, redTransport);
        Assert.Equal(routerOpus, TestRtp.Header(fromRedDevice).PayloadType);
        Assert.Equal([7, 8, 9, 10], TestRtp.Payload(fromRedDevice));
        var asOpus = await ReceiveAsync(plainReceiver, plainTransport);
        Assert.Equal(routerOpus, TestRtp.Header(asOpus).PayloadType);
        Assert.Equal([7, 8, 9, 10], TestRtp.Payload(asOpus));
        Assert.Equal(plainConsumer.RtpParameters.Encodings[0].Ssrc, TestRtp.Header(asOpus).Ssrc);

        // A block running past the payload: received, counted, forwarded to nobody.
        sender.SendTo(producerTransport.Tuple.LocalPort, Protect(senderContext, TestRtp.Build(ProducerRed, 2, 1920, ssrc, [0xEF, 0x03, 0xC0, 0x09, 0x6F, 1])));
        await Eventually.TrueAsync(async () => (await producer.GetStatsAsync())[0].PacketsDiscarded == 1, "the malformed RED packet to be counted");

        // A primary alone (no redundancy) comes through both ways too.
        sender.SendTo(producerTransport.Tuple.LocalPort, Protect(senderContext, TestRtp.Build(ProducerRed, 3, 2880, ssrc, Red(ProducerOpus, [], [5, 5]))));
        var next = await ReceiveAsync(plainReceiver, plainTransport);
        Assert.Equal((routerOpus, (ushort)(TestRtp.Header(asOpus).Sequence + 2)), (TestRtp.Header(next).PayloadType, TestRtp.Header(next).Sequence));
        Assert.Equal([5, 5], TestRtp.Payload(next));
        Assert.Equal([5, 5], TestRtp.Payload(await ReceiveAsync(redReceiver, redTransport)));
        Assert.DoesNotContain(plainReceiver.Drain(), UdpPeer.IsRtp);
    }

    private static async Task<(PlainTransport Transport, Consumer Consumer)> ConsumeAsync(Router router, Producer producer, RtpCapabilities device, UdpPeer receiver)
    {
        var transport = await router.CreatePlainTransportAsync(new PlainTransportOptions { EnableSrtp = true, SrtpCryptoSuite = Suite });
        await transport.ConnectAsync(IPAddress.Loopback, receiver.Port, srtpParameters: SrtpParameters.Generate(Suite));
        var consumer = await transport.ConsumeAsync(producer.Id, device);
        await consumer.ResumeAsync();
        return (transport, consumer);
    }

    private static async Task<byte[]> ReceiveAsync(UdpPeer receiver, PlainTransport transport)
    {
        var received = await receiver.ReceiveRtpAsync();
        using var context = transport.SrtpParameters!.CreateContext();
        Assert.Equal(SrtpResult.Ok, context.UnprotectRtp(received, received.Length, out var plainLength));
        return received[..plainLength];
    }

    /// <summary>A RED payload with at most one redundant block (the previous 20 ms frame) and a primary.</summary>
    private static byte[] Red(byte opus, byte[] redundant, byte[] primary)
    {
        var buffer = new byte[100];
        var writer = new RedPayloadWriter(buffer, redundant.Length > 0 ? 1 : 0);
        Assert.True(redundant.Length == 0 || writer.TryAddRedundant(opus, 960, redundant));
        Assert.True(writer.TryFinish(opus, primary, out var written));
        return buffer[..written];
    }

    private static byte[] Protect(SrtpContext context, byte[] packet)
    {
        var buffer = new byte[packet.Length + 64];
        packet.CopyTo(buffer, 0);
        Assert.Equal(SrtpResult.Ok, context.ProtectRtp(buffer, packet.Length, out var length));
        return buffer[..length];
    }
}
