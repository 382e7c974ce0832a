using Parley.Media.Net;
using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Rtp;
using Parley.Media.Tests.Dtls;
using Parley.Media.Tests.Ortc;
using Parley.Media.Tests.Routing;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Transports;

/// <summary>
/// A producer on a comedia plain transport (fed by <see cref="Sender"/>) and a WebRtcTransport to a
/// <see cref="LoopbackWebRtcPeer"/> (real ICE, DTLS and SRTP on 127.0.0.1) whose consumers the tests watch.
/// </summary>
internal sealed class BandwidthScenario : IAsyncDisposable
{
    /// <summary>The transport-wide-cc-01 ID in the captured Chromium capabilities and the router's.</summary>
    public const byte TransportCcId = 5;

    private BandwidthScenario(WebRtcServer server, Worker worker, Router router, PlainTransport producerTransport, WebRtcTransport transport, LoopbackWebRtcPeer peer)
    {
        Server = server;
        Worker = worker;
        Router = router;
        ProducerTransport = producerTransport;
        Transport = transport;
        Peer = peer;
    }

    public WebRtcServer Server { get; }

    public Worker Worker { get; }

    public Router Router { get; }

    public PlainTransport ProducerTransport { get; }

    public WebRtcTransport Transport { get; }

    public LoopbackWebRtcPeer Peer { get; }

    public UdpPeer Sender { get; } = new();

    public static async Task<BandwidthScenario> StartAsync()
    {
        var server = new WebRtcServer(new WebRtcServerOptions { Port = 0 });
        server.Start();
        var worker = TestWorkers.Create();
        var router = await worker.CreateRouterAsync(new RouterOptions { StreamInactivityMs = 60_000 });
        var producerTransport = await router.CreatePlainTransportAsync(new PlainTransportOptions { Comedia = true });
        var transport = await router.CreateWebRtcTransportAsync(server, TestCertificates.Server);
        var peer = new LoopbackWebRtcPeer(server.UdpPort);
        await peer.ConnectAsync(transport);
        return new BandwidthScenario(server, worker, router, producerTransport, transport, peer);
    }

    public async Task<(Producer Producer, Consumer Consumer)> ProduceAndConsumeAsync(MediaKind kind, RtpParameters parameters)
    {
        var producer = await ProducerTransport.ProduceAsync(kind, parameters);
        var consumer = await Transport.ConsumeAsync(producer.Id, OrtcTestData.DeviceCapabilities());
        await consumer.ResumeAsync();
        return (producer, consumer);
    }

    /// <summary>
    /// A resumed consumer of a new producer whose receiver did not negotiate transport-cc: the receiver's REMB
    /// (<see cref="SendRemb"/>) is then the estimate, exactly.
    /// </summary>
    public async Task<(Producer Producer, Consumer Consumer)> ProduceAndConsumeWithoutTransportCcAsync(MediaKind kind, RtpParameters parameters)
    {
        var producer = await ProducerTransport.ProduceAsync(kind, parameters);
        var capabilities = OrtcTestData.DeviceCapabilities();
        capabilities.HeaderExtensions.RemoveAll(e => e.Uri == RtpHeaderExtensionUris.TransportWideCcDraft01);
        var consumer = await Transport.ConsumeAsync(producer.Id, capabilities);
        await consumer.ResumeAsync();
        return (producer, consumer);
    }

    /// <summary>The receiver's REMB of <paramref name="bitrate"/> for <paramref name="ssrc"/> (once, as a real receiver sends one now and then).</summary>
    public void SendRemb(uint ssrc, ulong bitrate) => Peer.SendProtected(Remb(ssrc, bitrate), isRtcp: true);

    /// <summary>A REMB of <paramref name="bitrate"/> for <paramref name="ssrc"/>, as the receiving peer sends it.</summary>
    public static byte[] Remb(uint ssrc, ulong bitrate)
    {
        var remb = new byte[64];
        Assert.True(Parley.Media.Rtcp.RtcpRemb.TryWrite(remb, 0x7E57, bitrate, [ssrc], out var length));
        return remb[..length];
    }

    public void Send(byte[] packet) => Sender.SendTo(ProducerTransport.Tuple.LocalPort, packet);

    /// <summary>The RTP of <paramref name="ssrc"/> the peer received and decrypted so far, in arrival order.</summary>
    public List<byte[]> ReceivedRtp(uint ssrc) =>
        Peer.Media.Where(m => UdpPeer.IsRtp(m) && TestRtp.Header(m).Ssrc == ssrc).ToList();

    /// <summary>The transport-wide sequence number a received packet carries, or null.</summary>
    public static ushort? TransportSequence(byte[] packet)
    {
        Assert.True(RtpPacket.TryParse(packet, out var rtp));
        return rtp.TryGetExtension(TransportCcId, out var value) && value.Length == 2 ? (ushort)((value[0] << 8) | value[1]) : null;
    }

    /// <summary>
    /// Sends frames of <paramref name="packetsPerFrame"/> packets of <paramref name="packetSize"/> bytes every 40 ms
    /// (25 frames a second) until the returned source is cancelled; <paramref name="build"/> makes each packet from a
    /// frame number, a packet index and whether the frame is a keyframe (one a second).
    /// </summary>
    public CancellationTokenSource SendFrames(Func<int, int, bool, byte[]> build, int packetsPerFrame)
    {
        var stop = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var frame = 0; !stop.IsCancellationRequested; frame++)
            {
                for (var i = 0; i < packetsPerFrame; i++)
                {
                    Send(build(frame, i, frame % 25 == 0));
                }

                var due = TimeSpan.FromMilliseconds((frame + 1) * 40.0) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(due, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        });
        return stop;
    }

    /// <summary>
    /// Sends about 800 kbit/s of H.264 (<paramref name="video"/>'s first encoding; four 900-byte packets a frame, 25
    /// frames a second) until the returned source is cancelled.
    /// </summary>
    public CancellationTokenSource SendH264(RtpParameters video)
    {
        var ssrc = video.Encodings[0].Ssrc!.Value;
        var pt = (byte)video.Codecs[0].PayloadType;
        ushort sequence = 0;
        return SendFrames(
            (frame, i, key) => TestRtp.Build(pt, sequence++, (uint)frame * 3600, ssrc, key && i == 0 ? [.. TestRtp.H264KeyFrame(1), .. new byte[900]] : [.. TestRtp.H264DeltaFrame(1), .. new byte[900]]),
            packetsPerFrame: 4);
    }

    /// <summary>Polls <paramref name="condition"/> (on the test thread) until it holds; fails after <paramref name="seconds"/>.</summary>
    public static async Task WaitForAsync(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), $"Timed out waiting for: {what}");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Worker.CloseAsync();
        Peer.Dispose();
        Sender.Dispose();
        Server.Dispose();
    }
}
