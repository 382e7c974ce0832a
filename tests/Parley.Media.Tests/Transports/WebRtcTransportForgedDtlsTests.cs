using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Parley.Media.Dtls;
using Parley.Media.Net;
using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Tests.Dtls;
using Parley.Media.Tests.Ortc;
using Parley.Media.Transports;
using static Parley.Media.Tests.Net.WebRtcServerSocketTests;
using static Parley.Media.Tests.Srtp.SrtpTestPackets;

namespace Parley.Media.Tests.Transports;

/// <summary>
/// Made-up DTLS records sent into a connected WebRtcTransport, from the browser's own tuple and from another: the
/// transport drops them and goes on receiving and sending SRTP (issue 12: bad input never breaks a transport).
/// </summary>
public sealed class WebRtcTransportForgedDtlsTests : IAsyncDisposable
{
    private readonly WebRtcServer _server;
    private readonly Worker _worker = TestWorkers.Create();
    private readonly List<IDisposable> _disposables = [];

    public WebRtcTransportForgedDtlsTests()
    {
        _server = new WebRtcServer(new WebRtcServerOptions { Port = 0 });
        _server.Start();
    }

    public async ValueTask DisposeAsync()
    {
        await _worker.CloseAsync();
        foreach (var disposable in _disposables)
            disposable.Dispose();
        _server.Dispose();
    }

    [Fact]
    public async Task Forged_dtls_records_from_the_selected_tuple_or_another_leave_srtp_flowing_both_ways()
    {
        var router = await _worker.CreateRouterAsync();
        var transport = await router.CreateWebRtcTransportAsync(new WebRtcTransportOptions { WebRtcServer = _server, Certificate = TestCertificates.Server });
        var browser = new LoopbackWebRtcPeer(_server.UdpPort);
        _disposables.Add(browser);
        await browser.ConnectAsync(transport);

        // The browser's own audio comes back to it through a consumer on the same transport: both directions at once.
        var producer = await transport.ProduceAsync(MediaKind.Audio, OrtcTestData.Producer(OrtcTestData.AudioOpusFile));
        var consumer = await transport.ConsumeAsync(producer.Id, OrtcTestData.DeviceCapabilities());
        await consumer.ResumeAsync();
        var ssrc = producer.RtpParameters.Encodings[0].Ssrc!.Value;
        var payloadType = (byte)producer.RtpParameters.Codecs[0].PayloadType;
        await RoundTripAsync(browser, consumer, MakeRtp(1, ssrc, 40, payloadType));

        var datagramsBefore = transport.Counters.PacketsReceived;
        foreach (var (_, datagram) in ForgedDtlsRecords.All)
            browser.SendRaw(datagram);
        await WaitUntil(() => transport.Counters.PacketsReceived >= datagramsBefore + ForgedDtlsRecords.All.Count);

        using var stranger = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var unknownBefore = _server.Counters.GetDropped(DropReason.UnknownTuple);
        foreach (var (_, datagram) in ForgedDtlsRecords.All)
            stranger.Send(datagram, new IPEndPoint(IPAddress.Loopback, _server.UdpPort));
        await WaitUntil(() => _server.Counters.GetDropped(DropReason.UnknownTuple) >= unknownBefore + ForgedDtlsRecords.All.Count);

        await RoundTripAsync(browser, consumer, MakeRtp(2, ssrc, 40, payloadType));
        Assert.Equal(DtlsState.Connected, transport.DtlsState);
        Assert.False(transport.IsClosed);
        Assert.Equal(DtlsState.Connected, browser.Dtls.State);
        Assert.Equal(0, browser.MediaFailures);
    }

    /// <summary>Sends one RTP packet as the browser and waits for the consumer's copy of it to come back.</summary>
    private static async Task RoundTripAsync(LoopbackWebRtcPeer browser, Consumer consumer, byte[] packet)
    {
        var before = browser.Media.Count(m => IsConsumerRtp(m, consumer.Ssrc));
        browser.SendProtected(packet, isRtcp: false);
        await WaitUntil(() => browser.Media.Count(m => IsConsumerRtp(m, consumer.Ssrc)) > before);
    }

    private static bool IsConsumerRtp(byte[] packet, uint ssrc) =>
        packet.Length >= 12 && packet[1] is < 192 or > 223 && BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(8)) == ssrc;
}
