using System.Net;
using Parley.Media.Tests.Ortc;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Routing;

public sealed class BadInputTests
{
    [Fact]
    public async Task Bad_rtp_is_dropped_and_counted_by_reason_and_good_rtp_still_flows()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile);
        var (_, _, peer) = await scenario.AddConsumerAsync();

        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 1, 0, 12345, [1]));
        var truncated = TestRtp.Build(scenario.ProducerPayloadType, 2, 0, scenario.ProducerSsrc, [2]);
        truncated[0] |= 0x0F; // 15 CSRCs that are not there
        await scenario.SendAndWaitAsync(truncated);
        await scenario.SendAndWaitAsync(TestRtp.Build(55, 3, 0, scenario.ProducerSsrc, [3]));
        await scenario.SendAndWaitAsync([0x00, 0x01, 0x02]);
        await scenario.SendAndWaitAsync([0x80, 0xC9, 0x00, 0x09]); // an RR claiming 40 bytes in 4
        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 4, 960, scenario.ProducerSsrc, [4]));

        Assert.Equal([4], TestRtp.Payload(await peer.ReceiveRtpAsync()));
        var dropped = await scenario.ProducerTransport.GetDropCountsAsync();
        Assert.Equal(1, dropped[RtpDropReason.UnknownSsrc]);
        Assert.Equal(1, dropped[RtpDropReason.MalformedRtp]);
        Assert.Equal(1, dropped[RtpDropReason.UnknownPayloadType]);
        Assert.Equal(1, dropped[RtpDropReason.NotRtpOrRtcp]);
        Assert.Equal(1, dropped[RtpDropReason.MalformedRtcp]);
        Assert.Equal(5, dropped.Count);
        Assert.Equal(6, await scenario.ReceivedAsync());
        Assert.Equal(1, (await scenario.Producer.GetStatsAsync()).Single().PacketCount);
    }

    [Fact]
    public async Task A_comedia_transport_hears_only_the_first_source()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile);
        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 1, 0, scenario.ProducerSsrc, [1]));
        Assert.Equal(scenario.Sender.Port, scenario.ProducerTransport.Tuple.RemotePort);

        // Once the source is learned the socket is connected to it, so the kernel drops the intruder's packet; the next
        // packet from the source arrives after it and proves it was not merely late.
        using var intruder = new UdpPeer();
        intruder.SendTo(scenario.ProducerTransport.Tuple.LocalPort, TestRtp.Build(scenario.ProducerPayloadType, 2, 0, scenario.ProducerSsrc, [2]));
        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 3, 0, scenario.ProducerSsrc, [3]));
        Assert.Equal(2, (await scenario.Producer.GetStatsAsync()).Single().PacketCount);
        Assert.Equal(2, await scenario.ReceivedAsync());
        Assert.Equal(scenario.Sender.Port, scenario.ProducerTransport.Tuple.RemotePort);
    }

    [Fact]
    public async Task A_connected_transport_drops_datagrams_from_other_addresses_and_refuses_a_second_connect()
    {
        await using var worker = new Parley.Media.Routing.Worker();
        var router = await worker.CreateRouterAsync();
        var transport = await router.CreatePlainTransportAsync();
        using var peer = new UdpPeer();
        using var stranger = new UdpPeer();
        await transport.ConnectAsync(IPAddress.Loopback, peer.Port);
        await Assert.ThrowsAsync<InvalidOperationException>(() => transport.ConnectAsync(IPAddress.Loopback, peer.Port));
        Assert.Equal(peer.Port, transport.Tuple.RemotePort);

        // The socket is connected to the peer: the kernel drops the stranger's datagram, and the peer's, sent after it,
        // is the only one the transport sees.
        stranger.SendTo(transport.Tuple.LocalPort, [0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
        peer.SendTo(transport.Tuple.LocalPort, [0x81, 0xC9, 0, 1, 0, 0, 0, 1]);
        await Eventually.TrueAsync(async () => (await transport.GetStatsAsync()).BytesReceived > 0, "the peer's datagram to arrive");
        Assert.Equal(8, (await transport.GetStatsAsync()).BytesReceived);
    }

    [Fact]
    public async Task Before_it_is_connected_a_transport_counts_what_it_drops()
    {
        await using var worker = new Parley.Media.Routing.Worker();
        var router = await worker.CreateRouterAsync();
        var transport = await router.CreatePlainTransportAsync();
        using var stranger = new UdpPeer();
        stranger.SendTo(transport.Tuple.LocalPort, [0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
        await Eventually.TrueAsync(
            async () => (await transport.GetDropCountsAsync()).GetValueOrDefault(RtpDropReason.UnknownSource) == 1,
            "the stranger's packet to be dropped and counted");
    }

    [Fact]
    public async Task Consuming_an_unknown_producer_or_with_incompatible_capabilities_fails_cleanly()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.H264File);
        var transport = await scenario.Router.CreatePlainTransportAsync();
        await Assert.ThrowsAsync<KeyNotFoundException>(() => transport.ConsumeAsync("nope", OrtcTestData.DeviceCapabilities()));

        var audioOnly = OrtcTestData.DeviceCapabilities();
        audioOnly.Codecs.RemoveAll(c => c.Kind == Parley.Media.Ortc.MediaKind.Video);
        Assert.False(scenario.Router.CanConsume(scenario.Producer.Id, audioOnly));
        Assert.True(scenario.Router.CanConsume(scenario.Producer.Id, OrtcTestData.DeviceCapabilities()));
        await Assert.ThrowsAsync<Parley.Media.Ortc.OrtcException>(() => transport.ConsumeAsync(scenario.Producer.Id, audioOnly));
    }

    [Fact]
    public async Task Producing_an_ssrc_twice_on_one_transport_fails()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            scenario.ProducerTransport.ProduceAsync(Parley.Media.Ortc.MediaKind.Audio, OrtcTestData.Producer(OrtcTestData.AudioOpusFile)));
    }
}
