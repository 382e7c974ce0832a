using System.Buffers.Binary;
using System.Text.Json;
using Parley.Media.Dtls;
using Parley.Media.Ice;
using Parley.Media.Net;
using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Tests.Dtls;
using Parley.Media.Tests.Ortc;
using Parley.Media.Transports;
using static Parley.Media.Tests.Net.WebRtcServerSocketTests;
using static Parley.Media.Tests.Srtp.SrtpTestPackets;

namespace Parley.Media.Tests.Transports;

/// <summary>WebRtcTransport on a real WebRtcServer, with loopback peers doing ICE, DTLS and SRTP like a browser.</summary>
public sealed class WebRtcTransportTests : IAsyncDisposable
{
    private readonly WebRtcServer _server;
    private readonly Worker _worker = TestWorkers.Create();
    private readonly List<IDisposable> _peers = [];

    public WebRtcTransportTests()
    {
        _server = new WebRtcServer(new WebRtcServerOptions { Port = 0 });
        _server.Start();
    }

    public async ValueTask DisposeAsync()
    {
        await _worker.CloseAsync();
        foreach (var peer in _peers)
            peer.Dispose();
        _server.Dispose();
    }

    [Fact]
    public async Task Info_serialises_to_what_mediasoup_client_takes()
    {
        var router = await _worker.CreateRouterAsync();
        var transport = await router.CreateWebRtcTransportAsync(Options());

        var json = JsonSerializer.SerializeToElement(transport.Info, WebRtcTransportInfo.JsonOptions);

        Assert.Equal(transport.Id, json.GetProperty("id").GetString());
        var ice = json.GetProperty("iceParameters");
        Assert.Equal(transport.IceParameters.UsernameFragment, ice.GetProperty("usernameFragment").GetString());
        Assert.Equal(transport.IceParameters.Password, ice.GetProperty("password").GetString());
        Assert.True(ice.GetProperty("iceLite").GetBoolean());
        var candidates = json.GetProperty("iceCandidates").EnumerateArray().ToArray();
        var udp = Assert.Single(candidates, c => c.GetProperty("protocol").GetString() == "udp");
        Assert.Equal(_server.UdpPort, udp.GetProperty("port").GetInt32());
        Assert.Equal("127.0.0.1", udp.GetProperty("ip").GetString());
        Assert.Equal("127.0.0.1", udp.GetProperty("address").GetString());
        Assert.Equal("host", udp.GetProperty("type").GetString());
        Assert.False(udp.TryGetProperty("tcpType", out _));
        var tcp = Assert.Single(candidates, c => c.GetProperty("protocol").GetString() == "tcp");
        Assert.Equal("passive", tcp.GetProperty("tcpType").GetString());
        Assert.True(udp.GetProperty("priority").GetUInt32() > tcp.GetProperty("priority").GetUInt32());
        var dtls = json.GetProperty("dtlsParameters");
        Assert.Equal("auto", dtls.GetProperty("role").GetString());
        Assert.Contains(dtls.GetProperty("fingerprints").EnumerateArray(), f =>
            f.GetProperty("algorithm").GetString() == "sha-256" && f.GetProperty("value").GetString() == TestCertificates.Server.Sha256Fingerprint.Value);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("sctpParameters").ValueKind);
    }

    [Fact]
    public async Task Candidates_follow_the_udp_and_tcp_options()
    {
        var router = await _worker.CreateRouterAsync();
        var udpOnly = await router.CreateWebRtcTransportAsync(Options() with { EnableTcp = false });
        Assert.All(udpOnly.IceCandidates, c => Assert.Equal("udp", c.Protocol));
        var preferTcp = await router.CreateWebRtcTransportAsync(Options() with { PreferUdp = false });
        Assert.True(preferTcp.IceCandidates.Single(c => c.Protocol == "tcp").Priority > preferTcp.IceCandidates.Single(c => c.Protocol == "udp").Priority);
        await Assert.ThrowsAsync<ArgumentException>(() => router.CreateWebRtcTransportAsync(Options() with { EnableUdp = false, EnableTcp = false }));
    }

    [Fact]
    public async Task Media_produced_over_one_transport_reaches_a_consumer_on_another_rewritten_through_srtp()
    {
        var router = await _worker.CreateRouterAsync();
        var (sendTransport, sender) = await ConnectedTransportAsync(router);
        var (recvTransport, receiver) = await ConnectedTransportAsync(router);
        var producer = await sendTransport.ProduceAsync(MediaKind.Audio, OrtcTestData.Producer("chromium-produce-audio-opus.json"));
        var consumer = await recvTransport.ConsumeAsync(producer.Id, OrtcTestData.DeviceCapabilities());
        var second = await recvTransport.ConsumeAsync(producer.Id, OrtcTestData.DeviceCapabilities());
        Assert.Equal("0", consumer.RtpParameters.Mid);
        Assert.Equal("1", second.RtpParameters.Mid);
        await consumer.ResumeAsync();

        var ssrc = producer.RtpParameters.Encodings[0].Ssrc!.Value;
        var payloadType = (byte)producer.RtpParameters.Codecs[0].PayloadType;
        var sent = Enumerable.Range(0, 5).Select(i => MakeRtp((ushort)(1000 + i), ssrc, 100, payloadType)).ToArray();
        foreach (var packet in sent)
            sender.SendProtected(packet, isRtcp: false);

        await WaitUntil(() => receiver.Media.Count(IsRtp) >= 5);
        var received = receiver.Media.Where(IsRtp).ToArray();
        for (var i = 0; i < 5; i++)
        {
            var packet = received[i];
            Assert.Equal(consumer.Ssrc, BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(8)));
            Assert.Equal(consumer.RtpParameters.Codecs[0].PayloadType, packet[1] & 0x7F);
            Assert.Equal(sent[i].AsSpan(12).ToArray(), packet.AsSpan(packet.Length - 100).ToArray());
            Assert.Equal((ushort)(BinaryPrimitives.ReadUInt16BigEndian(received[0].AsSpan(2)) + i), BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(2)));
        }

        var stats = await sendTransport.GetStatsAsync();
        Assert.Equal("webrtc-transport", stats.Type);
        Assert.Equal("completed", stats.IceState);
        Assert.Equal("connected", stats.DtlsState);
        Assert.True(stats.RtpBytesReceived >= 5 * 112);
        Assert.True((await recvTransport.GetStatsAsync()).RtpBytesSent >= 5 * 112);
        Assert.Equal(0, _worker.Buffers.Outstanding);
    }

    [Fact]
    public async Task Rtcp_from_the_receiving_peer_reaches_the_consumer_and_pli_goes_upstream()
    {
        var router = await _worker.CreateRouterAsync();
        var (sendTransport, sender) = await ConnectedTransportAsync(router);
        var (recvTransport, receiver) = await ConnectedTransportAsync(router);
        var producer = await sendTransport.ProduceAsync(MediaKind.Video, OrtcTestData.Producer("chromium-produce-video-h264.json"));
        var consumer = await recvTransport.ConsumeAsync(producer.Id, OrtcTestData.DeviceCapabilities());

        // Resuming a video consumer asks the producer for a keyframe: a PLI for the producer's SSRC reaches the sender.
        await consumer.ResumeAsync();
        var producerSsrc = producer.RtpParameters.Encodings[0].Ssrc!.Value;
        await WaitUntil(() => sender.Media.Any(m => IsPli(m, producerSsrc)));

        // No keyframe comes (as if that PLI was lost or ignored): the consumer asks again, after the repeat interval.
        await WaitUntil(() => sender.Media.Count(m => IsPli(m, producerSsrc)) >= 2);
    }

    [Fact]
    public async Task Packets_with_the_transport_wide_cc_extension_get_transport_feedback()
    {
        var router = await _worker.CreateRouterAsync();
        var (sendTransport, sender) = await ConnectedTransportAsync(router);
        var producer = await sendTransport.ProduceAsync(MediaKind.Audio, OrtcTestData.Producer("chromium-produce-audio-opus.json"));
        var ssrc = producer.RtpParameters.Encodings[0].Ssrc!.Value;
        var extensionId = (byte)producer.RtpParameters.HeaderExtensions.Single(e => e.Uri == RtpHeaderExtensionUris.TransportWideCcDraft01).Id;

        for (var i = 0; i < 4; i++)
            sender.SendProtected(RtpWithTransportSequence((ushort)(7 + i), ssrc, (byte)producer.RtpParameters.Codecs[0].PayloadType, extensionId, (ushort)(300 + (i == 3 ? 4 : i))), isRtcp: false);

        // The packets may straddle a 100 ms feedback tick: gather what every feedback packet reports.
        var received = new HashSet<ushort>();
        await WaitUntil(() =>
        {
            received.Clear();
            foreach (var m in sender.Media.Where(m => m.Length > 12 && m[1] == 205 && (m[0] & 0x1F) == 15))
            {
                Assert.True(Parley.Media.Rtcp.RtcpTransportFeedback.TryParse(m, out var parsed));
                Assert.Equal(ssrc, parsed.MediaSsrc);
                foreach (var status in parsed.Packets)
                {
                    if (status.Received)
                        received.Add(status.SequenceNumber);
                }
            }

            return received.Contains(304);
        });
        Assert.Equal(new ushort[] { 300, 301, 302, 304 }, received.Order());
    }

    [Fact]
    public async Task Rid_only_simulcast_binds_each_encoding_by_mid_and_rid_and_forwards_one_at_a_time()
    {
        var router = await _worker.CreateRouterAsync();
        var (sendTransport, sender) = await ConnectedTransportAsync(router);
        var (recvTransport, receiver) = await ConnectedTransportAsync(router);
        var parameters = OrtcTestData.Producer("chromium-produce-video-vp8-simulcast.json");
        Assert.All(parameters.Encodings, e => Assert.Null(e.Ssrc));
        var producer = await sendTransport.ProduceAsync(MediaKind.Video, parameters);
        Assert.Equal(RtpParametersType.Simulcast, producer.Type);
        var consumer = await recvTransport.ConsumeAsync(producer.Id, OrtcTestData.DeviceCapabilities());
        await consumer.ResumeAsync();

        byte Id(string uri) => (byte)parameters.HeaderExtensions.Single(e => e.Uri == uri).Id;
        var mid = (Id(RtpHeaderExtensionUris.Mid), System.Text.Encoding.ASCII.GetBytes(parameters.Mid!));
        byte[] Rid(string rid) => System.Text.Encoding.ASCII.GetBytes(rid);
        var payloadType = (byte)parameters.Codecs[0].PayloadType;
        byte[] keyFrame = [0x10, 0x00, 0x00, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00, 7, 7, 7];
        sender.SendProtected(Routing.TestRtp.Build(payloadType, 100, 0, 0xAAAA0001, keyFrame, mid, (Id(RtpHeaderExtensionUris.RtpStreamId), Rid("r0"))), isRtcp: false);
        sender.SendProtected(Routing.TestRtp.Build(payloadType, 50, 0, 0xAAAA0002, keyFrame, mid, (Id(RtpHeaderExtensionUris.RtpStreamId), Rid("r1"))), isRtcp: false);
        sender.SendProtected(Routing.TestRtp.Build(payloadType, 101, 3000, 0xAAAA0001, [0x10, 0x01, 1, 2, 3]), isRtcp: false);

        // r0 came first, so the consumer starts on it; r1's packet is routed to its own stream but not forwarded yet.
        await WaitUntil(() => receiver.Media.Count(m => IsRtp(m) && BinaryPrimitives.ReadUInt32BigEndian(m.AsSpan(8)) == consumer.Ssrc) == 2);
        var streams = await producer.GetStatsAsync();
        Assert.Equal(2, streams.Count); // r2 has sent nothing: no stream, no stats (as mediasoup)
        Assert.Equal(2, streams[0].PacketCount);
        Assert.Equal(1, streams[1].PacketCount);
        Assert.Equal(new ConsumerLayers(0, 2), consumer.CurrentLayers);
    }

    [Fact]
    public async Task Rid_only_streams_are_known_by_their_wire_ssrcs_in_stats_and_in_feedback_upstream()
    {
        var router = await _worker.CreateRouterAsync();
        var (sendTransport, sender) = await ConnectedTransportAsync(router);
        var (recvTransport, receiver) = await ConnectedTransportAsync(router);
        var parameters = OrtcTestData.Producer("chromium-produce-video-vp8-simulcast.json");
        var producer = await sendTransport.ProduceAsync(MediaKind.Video, parameters);
        var consumer = await recvTransport.ConsumeAsync(producer.Id, OrtcTestData.DeviceCapabilities());
        await consumer.ResumeAsync();

        byte Id(string uri) => (byte)parameters.HeaderExtensions.Single(e => e.Uri == uri).Id;
        var mid = (Id(RtpHeaderExtensionUris.Mid), System.Text.Encoding.ASCII.GetBytes(parameters.Mid!));
        var payloadType = (byte)parameters.Codecs[0].PayloadType;
        var rtxPayloadType = (byte)parameters.Codecs.First(c => c.MimeType == "video/rtx").PayloadType;
        byte[] keyFrame = [0x10, 0x00, 0x00, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00, 7, 7, 7];
        sender.SendProtected(Routing.TestRtp.Build(payloadType, 100, 0, 0xAAAA0001, keyFrame, mid, (Id(RtpHeaderExtensionUris.RtpStreamId), "r0"u8.ToArray())), isRtcp: false);
        // RTX of r0 (a repair of packet 100, its original sequence number first), bound by its repaired RID.
        byte[] repair = [0, 100, .. keyFrame];
        sender.SendProtected(Routing.TestRtp.Build(rtxPayloadType, 7, 0, 0xBBBB0001, repair, mid, (Id(RtpHeaderExtensionUris.RepairedRtpStreamId), "r0"u8.ToArray())), isRtcp: false);
        await WaitUntil(() => receiver.Media.Any(m => IsRtp(m) && BinaryPrimitives.ReadUInt32BigEndian(m.AsSpan(8)) == consumer.Ssrc));

        // Both routed to the r0 stream, the repair by its repaired RID.
        await WaitUntil(() => sendTransport.Counters.RtpPacketsReceived == 2);
        var stats = Assert.Single(await producer.GetStatsAsync());
        Assert.Equal(0xAAAA0001u, stats.Ssrc);
        Assert.Equal(0xBBBB0001u, stats.RtxSsrc);
        Assert.Equal("r0", stats.Rid);
        Assert.Null(producer.RtpParameters.Encodings[0].Ssrc); // nothing made up in the producer's parameters

        // The receiving browser asks for a keyframe: the PLI upstream names the wire SSRC as it is, nothing rewritten.
        var pli = new byte[Parley.Media.Rtcp.RtcpPictureLossIndication.Size];
        Assert.True(new Parley.Media.Rtcp.RtcpPictureLossIndication(0x1234, consumer.Ssrc).TryWrite(pli, out _));
        receiver.SendProtected(pli, isRtcp: true);
        await WaitUntil(() => sender.Media.Any(m => IsPli(m, 0xAAAA0001)));
    }

    [Fact]
    public async Task Unprotecting_receiving_recording_transport_cc_and_forwarding_through_srtp_allocates_nothing_on_the_worker()
    {
        var router = await _worker.CreateRouterAsync();
        var (sendTransport, sender) = await ConnectedTransportAsync(router);
        var (recvTransport, receiver) = await ConnectedTransportAsync(router);
        var producer = await sendTransport.ProduceAsync(MediaKind.Audio, OrtcTestData.Producer("chromium-produce-audio-opus.json"));
        var consumer = await recvTransport.ConsumeAsync(producer.Id, OrtcTestData.DeviceCapabilities());
        await consumer.ResumeAsync();
        var ssrc = producer.RtpParameters.Encodings[0].Ssrc!.Value;
        var extensionId = (byte)producer.RtpParameters.HeaderExtensions.Single(e => e.Uri == RtpHeaderExtensionUris.TransportWideCcDraft01).Id;

        // The datagrams as they arrive on the shared port: SRTP-protected by the browser's side.
        var wire = Enumerable.Range(0, 750).Select(i =>
        {
            var plain = RtpWithTransportSequence((ushort)i, ssrc, (byte)producer.RtpParameters.Codecs[0].PayloadType, extensionId, (ushort)i);
            var buffer = new byte[plain.Length + 32];
            plain.CopyTo(buffer, 0);
            Assert.Equal(Parley.Media.Srtp.SrtpResult.Ok, sender.Srtp.Send.ProtectRtp(buffer, plain.Length, out var length));
            return buffer[..length];
        }).ToArray();
        IWebRtcServerTransport connection = sendTransport.Connection;
        var from = sendTransport.IceSelectedTuple!.Value;
        var datagram = new byte[PacketBufferPool.BufferLength];

        void Deliver(int i)
        {
            // Unprotect works in place, as in the worker's own buffer: each delivery gets a fresh copy.
            wire[i].CopyTo(datagram, 0);
            connection.OnPacket(datagram.AsSpan(0, wire[i].Length), from, PacketKind.Rtp, arrivalTimestamp: 1 + i);
        }

        var (allocated, sent) = await _worker.InvokeAsync(() =>
        {
            // Warm-up long enough for tiered JIT to settle; the steady state must not allocate.
            for (var i = 0; i < 500; i++)
                Deliver(i);
            var sentBefore = recvTransport.Counters.PacketsSent;
            var allocated = AllocationMeter.LeastPerRound(round =>
            {
                for (var i = 500 + (round * 50); i < 550 + (round * 50); i++)
                    Deliver(i);
            });
            return (allocated, recvTransport.Counters.PacketsSent - sentBefore);
        });

        Assert.Equal(250, sent);
        Assert.Equal(0, allocated);
        Assert.Equal(750, sendTransport.Counters.RtpPacketsReceived);
        await WaitUntil(() => receiver.Media.Any(IsRtp));
    }

    [Fact]
    public async Task Srtp_arriving_on_the_shared_port_is_unprotected_on_the_owning_worker_thread()
    {
        await using var other = TestWorkers.Create("webrtc-other-worker");
        var router = await _worker.CreateRouterAsync();
        var elsewhere = await other.CreateRouterAsync();
        var (transport, peer) = await ConnectedTransportAsync(router);
        var (bystander, _) = await ConnectedTransportAsync(elsewhere);
        var producer = await transport.ProduceAsync(MediaKind.Audio, OrtcTestData.Producer("chromium-produce-audio-opus.json"));
        var ssrc = producer.RtpParameters.Encodings[0].Ssrc!.Value;
        var payloadType = (byte)producer.RtpParameters.Codecs[0].PayloadType;
        var workerThread = await _worker.InvokeAsync(() => Environment.CurrentManagedThreadId);
        var threads = new System.Collections.Concurrent.ConcurrentQueue<int>();
        transport.Connection.RtpUnprotected += () => threads.Enqueue(Environment.CurrentManagedThreadId);

        for (var i = 0; i < 200; i++)
            peer.SendProtected(MakeRtp((ushort)i, ssrc, 100, payloadType), isRtcp: false);

        await WaitUntil(() => threads.Count == 200);
        Assert.All(threads, thread => Assert.Equal(workerThread, thread));
        Assert.NotEqual(workerThread, await other.InvokeAsync(() => Environment.CurrentManagedThreadId));
        Assert.Equal(200, (await transport.GetStatsAsync()).RtpPacketCountReceived);
        Assert.Equal(0, bystander.Counters.RtpPacketsReceived);
    }

    [Fact]
    public async Task A_second_connect_is_an_error_and_restart_ice_gives_new_credentials()
    {
        var router = await _worker.CreateRouterAsync();
        var (transport, peer) = await ConnectedTransportAsync(router);
        await Assert.ThrowsAsync<InvalidOperationException>(() => transport.ConnectAsync(peer.DtlsParameters));

        var before = transport.IceParameters;
        var after = await transport.RestartIceAsync();
        Assert.NotEqual(before.UsernameFragment, after.UsernameFragment);
        Assert.Equal(after, transport.IceParameters);
    }

    [Fact]
    public async Task Closing_the_transport_sends_close_notify_and_closes_producers_and_their_consumers()
    {
        var router = await _worker.CreateRouterAsync();
        var (sendTransport, sender) = await ConnectedTransportAsync(router);
        var (recvTransport, _) = await ConnectedTransportAsync(router);
        var producer = await sendTransport.ProduceAsync(MediaKind.Audio, OrtcTestData.Producer("chromium-produce-audio-opus.json"));
        var consumer = await recvTransport.ConsumeAsync(producer.Id, OrtcTestData.DeviceCapabilities());
        var producerClosed = new TaskCompletionSource();
        consumer.ProducerClosed += (_, _) => producerClosed.TrySetResult();

        await sendTransport.CloseAsync();

        await producerClosed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(producer.IsClosed);
        Assert.True(consumer.IsClosed);
        Assert.Equal(TransportCloseReason.Closed, sendTransport.CloseReason);
        Assert.Null(recvTransport.CloseReason);
        await sender.DtlsStates.WaitForAsync(DtlsState.Closed);
        await WaitUntil(() => sendTransport.DtlsState == DtlsState.Closed);
        Assert.False(recvTransport.IsClosed);
    }

    [Fact]
    public async Task A_dtls_close_from_the_peer_closes_the_transport()
    {
        var router = await _worker.CreateRouterAsync();
        var (transport, peer) = await ConnectedTransportAsync(router);
        var closed = new TaskCompletionSource();
        transport.Closed += (_, _) => closed.TrySetResult();

        peer.Dtls.Close();

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(transport.IsClosed);
        Assert.Equal(TransportCloseReason.DtlsClosed, transport.CloseReason);
    }

    [Fact]
    public async Task A_dtls_failure_closes_the_transport_with_its_producers()
    {
        var router = await _worker.CreateRouterAsync();
        var transport = await router.CreateWebRtcTransportAsync(Options());
        var peer = new LoopbackWebRtcPeer(_server.UdpPort);
        _peers.Add(peer);
        var failed = new TaskCompletionSource();
        var closed = new TaskCompletionSource();
        transport.DtlsStateChanged += (_, state) => { if (state == DtlsState.Failed) failed.TrySetResult(); };
        transport.Closed += (_, _) => closed.TrySetResult();
        var producer = await transport.ProduceAsync(MediaKind.Audio, OrtcTestData.Producer("chromium-produce-audio-opus.json"));
        peer.SendCheck(transport.IceParameters);
        await WaitUntil(() => transport.IceSelectedTuple is not null);

        // The peer's certificate does not match the fingerprint it signaled.
        var wrong = new DtlsParameters { Role = DtlsRole.Client, Fingerprints = [new DtlsFingerprint("sha-256", TestCertificates.Server.Sha256Fingerprint.Value)] };
        await transport.ConnectAsync(wrong);
        peer.Dtls.Start(DtlsRole.Client, transport.DtlsParameters.Fingerprints);

        await failed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(producer.IsClosed);
        Assert.Equal(TransportCloseReason.DtlsFailed, transport.CloseReason);
    }

    private WebRtcTransportOptions Options() => new() { WebRtcServer = _server, Certificate = TestCertificates.Server };

    private async Task<(WebRtcTransport, LoopbackWebRtcPeer)> ConnectedTransportAsync(Router router)
    {
        var transport = await router.CreateWebRtcTransportAsync(Options());
        var peer = new LoopbackWebRtcPeer(_server.UdpPort);
        _peers.Add(peer);
        await peer.ConnectAsync(transport);
        return (transport, peer);
    }

    /// <summary>RTP with a one-byte header extension element carrying the transport-wide sequence number.</summary>
    private static byte[] RtpWithTransportSequence(ushort sequence, uint ssrc, byte payloadType, byte extensionId, ushort transportSequence)
    {
        var packet = new byte[12 + 8 + 40];
        packet[0] = 0x90;
        packet[1] = payloadType;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), sequence * 960u);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(12), 0xBEDE);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(14), 1);
        packet[16] = (byte)((extensionId << 4) | 1);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(17), transportSequence);
        return packet;
    }

    private static bool IsRtp(byte[] packet) => packet.Length > 1 && packet[1] is < 192 or > 223;

    private static bool IsPli(byte[] packet, uint mediaSsrc)
    {
        for (var offset = 0; offset + 12 <= packet.Length;)
        {
            var length = (BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(offset + 2)) + 1) * 4;
            if (packet[offset + 1] == 206 && (packet[offset] & 0x1F) == 1 && BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(offset + 8)) == mediaSsrc)
                return true;
            offset += length;
        }

        return false;
    }
}
