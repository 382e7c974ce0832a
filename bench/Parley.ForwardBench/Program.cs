// A forwarding host for bench/forwarding/run.sh: one worker, one comedia PlainTransport producer (VP8, as rtpgen
// sends it) and N PlainTransport consumers all connected to one sink port. Prints one JSON line when ready, then
// forwards until stdin closes, then prints the transports' counters.
using System.Globalization;
using System.Net;
using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Transports;

var consumers = 100;
var sinkPort = 0;
var producerPort = 0;
uint ssrc = 1234;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    switch (args[i])
    {
        case "--consumers": consumers = value; break;
        case "--sink-port": sinkPort = value; break;
        case "--port": producerPort = value; break;
        case "--ssrc": ssrc = (uint)value; break;
        default: throw new ArgumentException($"unknown option {args[i]}");
    }
}

await using var worker = new Worker("forward-bench");
await WarmUpAsync(worker);
var router = await worker.CreateRouterAsync();
var producerTransport = await router.CreatePlainTransportAsync(new PlainTransportOptions { Comedia = true, Port = producerPort });
var producer = await producerTransport.ProduceAsync(MediaKind.Video, Vp8(ssrc));

var (heapBefore, rssBefore) = MemoryNow();
var consumerTransports = new List<PlainTransport>();
for (var i = 0; i < consumers; i++)
{
    var transport = await router.CreatePlainTransportAsync();
    await transport.ConnectAsync(IPAddress.Loopback, sinkPort);
    var consumer = await transport.ConsumeAsync(producer.Id, router.RtpCapabilities);
    await consumer.ResumeAsync();
    consumerTransports.Add(transport);
}

var (heapAfter, rssAfter) = MemoryNow();
Console.WriteLine(
    $"{{\"ready\":true,\"port\":{producerTransport.Tuple.LocalPort},\"consumers\":{consumers}," +
    $"\"heapBytesPerConsumer\":{(heapAfter - heapBefore) / Math.Max(1, consumers)},\"rssBytesPerConsumer\":{(rssAfter - rssBefore) / Math.Max(1, consumers)}}}");
await Console.In.ReadToEndAsync();

var received = await producerTransport.GetStatsAsync();
long sent = 0, failed = 0;
foreach (var transport in consumerTransports)
{
    sent += (await transport.GetStatsAsync()).RtpPacketCountSent;
    failed += (await transport.GetDropCountsAsync()).GetValueOrDefault(RtpDropReason.SendFailed);
}

Console.WriteLine($"{{\"received\":{received.RtpPacketCountReceived},\"sent\":{sent},\"sendFailed\":{failed}}}");

// Memory the consumers cost: the managed heap after a full collection, and the process's resident set.
static (long Heap, long Rss) MemoryNow()
{
    var heap = GC.GetTotalMemory(forceFullCollection: true);
    using var self = System.Diagnostics.Process.GetCurrentProcess();
    return (heap, self.WorkingSet64);
}

static RtpParameters Vp8(uint ssrc) => new()
{
    Codecs = [new RtpCodecParameters { MimeType = "video/VP8", PayloadType = 101, ClockRate = 90000 }],
    Encodings = [new RtpEncodingParameters { Ssrc = ssrc }],
    Rtcp = new RtcpParameters { Cname = "bench" },
};

// The measured producer transport is comedia and locks onto rtpgen's address, so the JIT warm-up cannot come from a
// separate rtpgen run: push a few thousand packets through a throwaway router on the same worker instead.
static async Task WarmUpAsync(Worker worker)
{
    var router = await worker.CreateRouterAsync();
    var transport = await router.CreatePlainTransportAsync(new PlainTransportOptions { Comedia = true });
    var producer = await transport.ProduceAsync(MediaKind.Video, Vp8(1));
    for (var i = 0; i < 4; i++)
    {
        var consumerTransport = await router.CreatePlainTransportAsync();
        await consumerTransport.ConnectAsync(IPAddress.Loopback, 9);
        await (await consumerTransport.ConsumeAsync(producer.Id, router.RtpCapabilities)).ResumeAsync();
    }

    using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
    var target = new IPEndPoint(IPAddress.Loopback, transport.Tuple.LocalPort);
    var packet = new byte[1200];
    byte[] header = [0x80, 101, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x90, 0x80, 0x80, 0x00, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a];
    header.CopyTo(packet, 0);
    for (var i = 0; i < 20_000; i++)
    {
        packet[2] = (byte)(i >> 8);
        packet[3] = (byte)i;
        socket.SendTo(packet, target);
        if (i % 500 == 0)
        {
            await Task.Delay(10);
        }
    }

    await Task.Delay(500);
    await router.CloseAsync();
}
