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
var router = await worker.CreateRouterAsync();
var producerTransport = await router.CreatePlainTransportAsync(new PlainTransportOptions { Comedia = true, Port = producerPort });
var producer = await producerTransport.ProduceAsync(MediaKind.Video, new RtpParameters
{
    Codecs = [new RtpCodecParameters { MimeType = "video/VP8", PayloadType = 101, ClockRate = 90000 }],
    Encodings = [new RtpEncodingParameters { Ssrc = ssrc }],
    Rtcp = new RtcpParameters { Cname = "bench" },
});

var consumerTransports = new List<PlainTransport>();
for (var i = 0; i < consumers; i++)
{
    var transport = await router.CreatePlainTransportAsync();
    await transport.ConnectAsync(IPAddress.Loopback, sinkPort);
    var consumer = await transport.ConsumeAsync(producer.Id, router.RtpCapabilities);
    await consumer.ResumeAsync();
    consumerTransports.Add(transport);
}

Console.WriteLine($"{{\"ready\":true,\"port\":{producerTransport.Tuple.LocalPort},\"consumers\":{consumers}}}");
await Console.In.ReadToEndAsync();

var received = await producerTransport.GetStatsAsync();
long sent = 0, failed = 0;
foreach (var transport in consumerTransports)
{
    sent += (await transport.GetStatsAsync()).RtpPacketCountSent;
    failed += (await transport.GetDropCountsAsync()).GetValueOrDefault(RtpDropReason.SendFailed);
}

Console.WriteLine($"{{\"received\":{received.RtpPacketCountReceived},\"sent\":{sent},\"sendFailed\":{failed}}}");
