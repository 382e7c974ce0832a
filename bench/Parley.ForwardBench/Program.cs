// A forwarding host for bench/forwarding/run.sh: one worker, one comedia PlainTransport producer (VP8, as rtpgen
// sends it) and N PlainTransport consumers all connected to one sink port. Prints one JSON line when ready, then
// forwards until stdin closes, then prints the transports' counters.
// With --srtp SUITE every consumer transport protects what it sends with SRTP, each with its own random key as
// mediasoup generates them; --srtp-keys FILE writes "SSRC keyBase64" lines for bench/forwarding/srtpsink. With
// --srtp-producer the producer transport expects SRTP too, keyed with the producerKeyBase64 of the ready line.
// With --webrtc the consumers are WebRtcTransports on one WebRtcServer (the shared port, as for browsers), each
// connected by an in-process peer (bench/Parley.LoadTest's ClientTransport: ICE, DTLS as client, SRTP) that receives
// and decrypts its copies; the SRTP profile is the --srtp suite (the server offers only that one). The sink port is
// then unused. Both modes print the worker thread's own CPU time over the run (workerCpuMs) for CPU per copy.
// --max-queue-delay MS sets the worker's shedding budget (WorkerPoolOptions.MaxQueueDelay; 0 never sheds).
// --send-batch off makes the worker send each WebRTC copy with its own sendto instead of batching the copies of one
// packet into sendmmsg calls (the default where the platform has it), for the A/B in bench/forwarding/webrtc-ab.sh.
// --estimate BITS (with --webrtc) starts each transport's send-side estimate there instead of 600 kbit/s: the peers send
// no transport-cc feedback, so it stays there and the pacer paces each transport at 2.5 × BITS (pacerQueued: the copies
// that waited in a pacer's store; pacerDropped: those it dropped).
using System.Globalization;
using System.Net;
using Parley.LoadTest;
using Parley.Media.Dtls;
using Parley.Media.Net;
using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Transports;

var consumers = 100;
var sinkPort = 0;
var producerPort = 0;
uint ssrc = 1234;
string? srtpSuite = null;
string? srtpKeyFile = null;
var srtpProducer = false;
var webRtc = false;
var batchSends = true;
TimeSpan? maxQueueDelay = null;
long? estimate = null;
var next = 0;
while (next < args.Length)
{
    var option = args[next++];
    switch (option)
    {
        case "--consumers": consumers = IntValue(); break;
        case "--sink-port": sinkPort = IntValue(); break;
        case "--port": producerPort = IntValue(); break;
        case "--ssrc": ssrc = (uint)IntValue(); break;
        case "--srtp": srtpSuite = Value(); break;
        case "--srtp-keys": srtpKeyFile = Value(); break;
        case "--srtp-producer": srtpProducer = true; break;
        case "--webrtc": webRtc = true; break;
        case "--max-queue-delay": maxQueueDelay = TimeSpan.FromMilliseconds(IntValue()); break;
        case "--send-batch": batchSends = Value() switch { "on" => true, "off" => false, var other => throw new ArgumentException($"--send-batch takes on or off, not {other}") }; break;
        case "--estimate": estimate = long.Parse(Value(), CultureInfo.InvariantCulture); break;
        default: throw new ArgumentException($"unknown option {option}");
    }

    string Value() => next < args.Length ? args[next++] : throw new ArgumentException($"{option} needs a value");
    int IntValue() => int.Parse(Value(), CultureInfo.InvariantCulture);
}

if (srtpSuite is null && (srtpKeyFile is not null || srtpProducer || webRtc))
{
    throw new ArgumentException("--srtp-keys, --srtp-producer and --webrtc need --srtp SUITE");
}

if (webRtc && srtpKeyFile is not null)
{
    throw new ArgumentException("--webrtc consumers are keyed by DTLS: no --srtp-keys");
}

await using var worker = new Worker("forward-bench", portableWait: false, maxQueueDelay: maxQueueDelay, batchSends: batchSends);
await WarmUpAsync(worker, srtpSuite);
var router = await worker.CreateRouterAsync();
var producerTransport = await router.CreatePlainTransportAsync(new PlainTransportOptions
{
    Comedia = true,
    Port = producerPort,
    EnableSrtp = srtpProducer,
    SrtpCryptoSuite = srtpSuite ?? SrtpCryptoSuites.AesCm128HmacSha1_80,
});
var producerKeys = srtpProducer ? SrtpParameters.Generate(srtpSuite!) : null;
if (producerKeys is not null)
{
    await producerTransport.ConnectAsync(srtpParameters: producerKeys);
}

var producer = await producerTransport.ProduceAsync(MediaKind.Video, Vp8(ssrc));

var (heapBefore, rssBefore) = MemoryNow();
var consumerTransports = new List<Transport>();
var srtpConsumers = srtpSuite is null ? null : new List<Consumer>();
using var webRtcServer = webRtc ? new WebRtcServer(new WebRtcServerOptions { ListenAddress = IPAddress.Loopback, Port = 0 }) : null;
var peers = new List<ClientTransport>();
var peerReceived = new long[1];
webRtcServer?.Start();
var serverCertificate = webRtc ? DtlsCertificate.Generate() : null;
var peerCertificate = webRtc ? DtlsCertificate.Generate() : null;
for (var i = 0; i < consumers; i++)
{
    var (transport, consumer) = webRtc
        ? await ConsumeOverWebRtcAsync(router, producer, webRtcServer!, serverCertificate!, peerCertificate!, srtpSuite!, peers, peerReceived, estimate)
        : await ConsumeAsync(router, producer, sinkPort, srtpSuite);
    consumerTransports.Add(transport);
    srtpConsumers?.Add(consumer);
}

var (heapAfter, rssAfter) = MemoryNow();
if (srtpKeyFile is not null)
{
    await File.WriteAllLinesAsync(srtpKeyFile, consumerTransports.Select((transport, i) => string.Create(
        CultureInfo.InvariantCulture, $"{srtpConsumers![i].RtpParameters.Encodings[0].Ssrc} {((PlainTransport)transport).SrtpParameters!.KeyBase64}")));
}

var srtpFields = srtpSuite is null ? "" : $",\"srtp\":\"{srtpSuite}\"" + (producerKeys is null ? "" : $",\"producerKeyBase64\":\"{producerKeys.KeyBase64}\"");
Console.WriteLine(
    $"{{\"ready\":true,\"port\":{producerTransport.Tuple.LocalPort},\"consumers\":{consumers}," +
    $"\"heapBytesPerConsumer\":{(heapAfter - heapBefore) / Math.Max(1, consumers)},\"rssBytesPerConsumer\":{(rssAfter - rssBefore) / Math.Max(1, consumers)}{srtpFields}}}");
var workerThread = await worker.InvokeAsync(() => new DirectoryInfo("/proc/thread-self").LinkTarget!);
var workerCpuBefore = ThreadCpuNanoseconds(workerThread);
await Console.In.ReadToEndAsync();
var workerCpuMs = (ThreadCpuNanoseconds(workerThread) - workerCpuBefore) / 1_000_000;

var received = await producerTransport.GetStatsAsync();
long sent = 0, failed = 0, pacerQueued = 0, pacerDropped = 0;
foreach (var transport in consumerTransports)
{
    sent += (await transport.GetStatsAsync()).RtpPacketCountSent;
    var drops = await transport.GetDropCountsAsync();
    failed += drops.GetValueOrDefault(RtpDropReason.SendFailed);
    pacerDropped += drops.GetValueOrDefault(RtpDropReason.PacerQueueFull) + drops.GetValueOrDefault(RtpDropReason.PacerQueueExpired);
    if (transport is WebRtcTransport paced)
    {
        pacerQueued += await worker.InvokeAsync(() => paced.Pacing.Queued);
    }
}

var producerDecryptFailed = producerKeys is null ? "" : $",\"producerDecryptFailed\":{(await producerTransport.GetDropCountsAsync()).GetValueOrDefault(RtpDropReason.DecryptFailed)}";
var shed = worker.GetOverloadDropCount(OverloadDropReason.SocketBacklog) + worker.GetOverloadDropCount(OverloadDropReason.WorkerQueue);
var peerFields = webRtc ? $",\"mode\":\"webrtc\",\"sendBatch\":{(worker.SendBatch is null ? "false" : "true")},\"pacerQueued\":{pacerQueued},\"pacerDropped\":{pacerDropped},\"peerReceived\":{Interlocked.Read(ref peerReceived[0])},\"peerSrtpFailures\":{peers.Sum(p => p.SrtpFailures.Select((_, kind) => Interlocked.Read(ref p.SrtpFailures[kind])).Sum())}" : "";
Console.WriteLine($"{{\"received\":{received.RtpPacketCountReceived},\"sent\":{sent},\"sendFailed\":{failed},\"shedLate\":{shed},\"workerCpuMs\":{workerCpuMs}{producerDecryptFailed}{peerFields}}}");
foreach (var peer in peers)
{
    peer.Dispose();
}

// CPU time a thread of this process has run, in ns (the first field of its schedstat).
static long ThreadCpuNanoseconds(string threadSelf) =>
    long.Parse(File.ReadAllText($"/proc/{threadSelf}/schedstat").Split(' ')[0], CultureInfo.InvariantCulture);

// One consumer on its own WebRtcTransport on the shared port, connected by an in-process peer as a browser would:
// the server offers only the given SRTP profile.
static async Task<(Transport Transport, Consumer Consumer)> ConsumeOverWebRtcAsync(
    Router router, Producer producer, WebRtcServer server, DtlsCertificate serverCertificate, DtlsCertificate peerCertificate,
    string srtpSuite, List<ClientTransport> peers, long[] peerReceived, long? estimate)
{
    var profile = srtpSuite switch
    {
        SrtpCryptoSuites.AeadAes128Gcm => Parley.Media.Srtp.SrtpProfile.AeadAes128Gcm,
        SrtpCryptoSuites.AeadAes256Gcm => Parley.Media.Srtp.SrtpProfile.AeadAes256Gcm,
        SrtpCryptoSuites.AesCm128HmacSha1_80 => Parley.Media.Srtp.SrtpProfile.AesCm128HmacSha1_80,
        _ => throw new ArgumentException($"--webrtc takes AEAD_AES_128_GCM, AEAD_AES_256_GCM or AES_CM_128_HMAC_SHA1_80, not {srtpSuite}"),
    };
    var transport = await router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
    {
        WebRtcServer = server,
        Certificate = serverCertificate,
        EnableTcp = false,
        Connection = new WebRtcConnectionOptions { Dtls = new DtlsTransportOptions { SrtpProfiles = [profile] } },
        BandwidthEstimation = estimate is { } start ? Parley.Media.Bwe.BandwidthEstimatorOptions.Default with { StartBitrate = start } : null,
    });
    await transport.ConnectAsync(peerCertificate.ToParameters(DtlsRole.Client));
    var peer = new ClientTransport(peerCertificate, new IPEndPoint(IPAddress.Loopback, server.UdpPort));
    peers.Add(peer);
    peer.RtpReceived = _ => Interlocked.Increment(ref peerReceived[0]);
    await peer.ConnectAsync(transport.IceParameters.UsernameFragment, transport.IceParameters.Password, transport.DtlsParameters.Fingerprints);
    var consumer = await transport.ConsumeAsync(producer.Id, router.RtpCapabilities);
    await consumer.ResumeAsync();
    return (transport, consumer);
}

// Memory the consumers cost: the managed heap after a full collection, and the process's resident set.
static (long Heap, long Rss) MemoryNow()
{
    var heap = GC.GetTotalMemory(forceFullCollection: true);
    using var self = System.Diagnostics.Process.GetCurrentProcess();
    return (heap, self.WorkingSet64);
}

// One consumer on its own transport sending to the sink; with SRTP the transport keys what it sends itself, and the
// remote keying it is given only decrypts RTCP from the sink (which sends none).
static async Task<(PlainTransport Transport, Consumer Consumer)> ConsumeAsync(Router router, Producer producer, int sinkPort, string? srtpSuite)
{
    var transport = await router.CreatePlainTransportAsync(new PlainTransportOptions
    {
        EnableSrtp = srtpSuite is not null,
        SrtpCryptoSuite = srtpSuite ?? SrtpCryptoSuites.AesCm128HmacSha1_80,
    });
    await transport.ConnectAsync(IPAddress.Loopback, sinkPort, srtpParameters: srtpSuite is null ? null : SrtpParameters.Generate(srtpSuite));
    var consumer = await transport.ConsumeAsync(producer.Id, router.RtpCapabilities);
    await consumer.ResumeAsync();
    return (transport, consumer);
}

static RtpParameters Vp8(uint ssrc, byte payloadType = 101) => new()
{
    Codecs = [new RtpCodecParameters { MimeType = "video/VP8", PayloadType = payloadType, ClockRate = 90000 }],
    Encodings = [new RtpEncodingParameters { Ssrc = ssrc }],
    Rtcp = new RtcpParameters { Cname = "bench" },
};

// The measured producer transport is comedia and locks onto rtpgen's address, so the JIT warm-up cannot come from a
// separate rtpgen run: push a few thousand packets through a throwaway router on the same worker instead.
// With SRTP the consumers of the warm-up protect too, and one of them feeds a second, SRTP-receiving producer transport
// so that the decrypting path is compiled as well.
static async Task WarmUpAsync(Worker worker, string? srtpSuite)
{
    var router = await worker.CreateRouterAsync();
    var transport = await router.CreatePlainTransportAsync(new PlainTransportOptions { Comedia = true });
    var producer = await transport.ProduceAsync(MediaKind.Video, Vp8(1));
    // Enough consumers that their once-a-second paths (sender reports, RTCP timers) are called often enough during
    // the warm-up to be compiled to optimised code before the measured run, not in the middle of it.
    for (var i = 0; i < 40; i++)
    {
        await ConsumeAsync(router, producer, 9, srtpSuite);
    }

    if (srtpSuite is not null)
    {
        var looped = await router.CreatePlainTransportAsync(new PlainTransportOptions { Comedia = true, EnableSrtp = true, SrtpCryptoSuite = srtpSuite });
        var (sender, consumer) = await ConsumeAsync(router, producer, looped.Tuple.LocalPort, srtpSuite);
        await looped.ConnectAsync(srtpParameters: sender.SrtpParameters);
        await looped.ProduceAsync(MediaKind.Video, Vp8(consumer.RtpParameters.Encodings[0].Ssrc!.Value, (byte)consumer.RtpParameters.Codecs[0].PayloadType));
    }

    using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
    var target = new IPEndPoint(IPAddress.Loopback, transport.Tuple.LocalPort);
    var packet = new byte[1200];
    byte[] header = [0x80, 101, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x90, 0x80, 0x80, 0x00, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a];
    header.CopyTo(packet, 0);
    // About 4 s at ~5,000 packets/s, then a pause: long enough for tiered compilation to reach its optimised code
    // (instrumented tier first) for everything on the path, so the measured run sees steady state, not the JIT.
    for (var i = 0; i < 20_000; i++)
    {
        packet[2] = (byte)(i >> 8);
        packet[3] = (byte)i;
        socket.SendTo(packet, target);
        if (i % 50 == 0)
        {
            await Task.Delay(10);
        }
    }

    await Task.Delay(1500);
    await router.CloseAsync();
}
