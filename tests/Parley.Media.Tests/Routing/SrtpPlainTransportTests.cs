using System.Net;
using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Srtp;
using Parley.Media.Tests.Ortc;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Routing;

public sealed class SrtpPlainTransportTests
{
    [Theory]
    [InlineData(SrtpCryptoSuites.AesCm128HmacSha1_80)]
    [InlineData(SrtpCryptoSuites.AeadAes256Gcm)]
    public async Task Srtp_in_and_out_with_each_side_keying_its_own_direction(string suite)
    {
        await using var worker = TestWorkers.Create();
        var router = await worker.CreateRouterAsync();
        var producerTransport = await router.CreatePlainTransportAsync(new PlainTransportOptions { Comedia = true, EnableSrtp = true, SrtpCryptoSuite = suite });
        var consumerTransport = await router.CreatePlainTransportAsync(new PlainTransportOptions { EnableSrtp = true, SrtpCryptoSuite = suite });
        Assert.Equal(suite, producerTransport.SrtpParameters!.CryptoSuite);
        Assert.NotEqual(producerTransport.SrtpParameters.KeyBase64, consumerTransport.SrtpParameters!.KeyBase64);

        using var sender = new UdpPeer();
        using var receiver = new UdpPeer();
        var senderKeys = SrtpParameters.Generate(suite);
        await producerTransport.ConnectAsync(srtpParameters: senderKeys);
        await consumerTransport.ConnectAsync(IPAddress.Loopback, receiver.Port, srtpParameters: SrtpParameters.Generate(suite));

        var parameters = OrtcTestData.Producer(OrtcTestData.AudioOpusFile);
        var producer = await producerTransport.ProduceAsync(MediaKind.Audio, parameters);
        var consumer = await consumerTransport.ConsumeAsync(producer.Id, OrtcTestData.DeviceCapabilities());
        await consumer.ResumeAsync();

        using var senderContext = senderKeys.CreateContext();
        using var wrongContext = SrtpParameters.Generate(suite).CreateContext();
        var ssrc = parameters.Encodings[0].Ssrc!.Value;
        var payloadType = (byte)parameters.Codecs[0].PayloadType;
        var forged = Protect(wrongContext, TestRtp.Build(payloadType, 1, 960, ssrc, [9, 9, 9]));
        sender.SendTo(producerTransport.Tuple.LocalPort, forged);
        await Eventually.TrueAsync(
            async () => (await producerTransport.GetDropCountsAsync()).GetValueOrDefault(RtpDropReason.DecryptFailed) == 1,
            "the forged packet to be rejected");
        Assert.Null(producerTransport.Tuple.RemotePort);

        sender.SendTo(producerTransport.Tuple.LocalPort, Protect(senderContext, TestRtp.Build(payloadType, 2, 1920, ssrc, [1, 2, 3])));

        var received = await receiver.ReceiveRtpAsync();
        using var receiverContext = consumerTransport.SrtpParameters.CreateContext();
        var buffer = received.ToArray();
        Assert.Equal(SrtpResult.Ok, receiverContext.UnprotectRtp(buffer, buffer.Length, out var plainLength));
        Assert.Equal([1, 2, 3], TestRtp.Payload(buffer[..plainLength]));
        Assert.Equal(consumer.RtpParameters.Encodings[0].Ssrc, TestRtp.Header(buffer[..plainLength]).Ssrc);
        Assert.Equal(sender.Port, producerTransport.Tuple.RemotePort);
    }

    [Fact]
    public async Task Srtp_keying_must_match_the_transport()
    {
        await using var worker = TestWorkers.Create();
        var router = await worker.CreateRouterAsync();
        var plain = await router.CreatePlainTransportAsync();
        var secure = await router.CreatePlainTransportAsync(new PlainTransportOptions { EnableSrtp = true });
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            plain.ConnectAsync(IPAddress.Loopback, 9, srtpParameters: SrtpParameters.Generate(SrtpCryptoSuites.AesCm128HmacSha1_80)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => secure.ConnectAsync(IPAddress.Loopback, 9));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            secure.ConnectAsync(IPAddress.Loopback, 9, srtpParameters: new SrtpParameters(SrtpCryptoSuites.AesCm128HmacSha1_80, "AAAA")));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            router.CreatePlainTransportAsync(new PlainTransportOptions { EnableSrtp = true, SrtpCryptoSuite = "NULL" }));
    }

    private static byte[] Protect(SrtpContext context, byte[] packet)
    {
        var buffer = new byte[packet.Length + 64];
        packet.CopyTo(buffer, 0);
        Assert.Equal(SrtpResult.Ok, context.ProtectRtp(buffer, packet.Length, out var length));
        return buffer[..length];
    }
}
