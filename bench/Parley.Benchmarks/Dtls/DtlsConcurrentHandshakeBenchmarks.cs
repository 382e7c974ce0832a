using BenchmarkDotNet.Attributes;
using Parley.Media.Dtls;

namespace Parley.Benchmarks.Dtls;

/// <summary>
/// Many DTLS handshakes at once, as when a meeting starts: 200 in-memory server/client pairs started together.
/// Reports the wall time per handshake pair and, on stdout, the most threads the process had meanwhile.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class DtlsConcurrentHandshakeBenchmarks
{
    private const int Pairs = 200;

    private static readonly DtlsCertificate ServerCertificate = DtlsCertificate.Generate("bench-server");
    private static readonly DtlsCertificate ClientCertificate = DtlsCertificate.Generate("bench-client");

    private int _peakThreads;

    [Benchmark(OperationsPerInvoke = Pairs)]
    public async Task TwoHundredHandshakesAtOnce()
    {
        var pairs = new List<(DtlsTransport Server, DtlsTransport Client, Task Connected)>(Pairs);
        for (var i = 0; i < Pairs; i++)
            pairs.Add(Pair());
        var all = Task.WhenAll(pairs.Select(p => p.Connected));
        while (!all.IsCompleted)
        {
            _peakThreads = Math.Max(_peakThreads, ProcessThreads());
            await Task.WhenAny(all, Task.Delay(20));
        }

        await all;
        foreach (var (server, client, _) in pairs)
        {
            client.Dispose();
            server.Dispose();
        }
    }

    [GlobalCleanup]
    public void Report() => Console.WriteLine($"// Peak process threads during {Pairs} concurrent handshakes: {_peakThreads}");

    private static (DtlsTransport, DtlsTransport, Task) Pair()
    {
        DtlsTransport? client = null;
        var server = new DtlsTransport(ServerCertificate, datagram => client!.Feed(datagram));
        client = new DtlsTransport(ClientCertificate, datagram => server.Feed(datagram));
        var connected = Task.WhenAll(Connected(server), Connected(client));
        server.Start(DtlsRole.Server, ClientCertificate.Fingerprints);
        client.Start(DtlsRole.Client, ServerCertificate.Fingerprints);
        return (server, client, connected);
    }

    private static Task Connected(DtlsTransport transport)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        transport.StateChanged += (_, e) =>
        {
            if (e.State == DtlsState.Connected)
                done.TrySetResult();
            else if (e.State is DtlsState.Failed or DtlsState.Closed)
                done.TrySetException(new InvalidOperationException($"Handshake ended in {e.State}: {e.Reason}"));
        };
        return done.Task;
    }

    private static int ProcessThreads()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Threads:", StringComparison.Ordinal))
                return int.Parse(line.AsSpan("Threads:".Length).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return 0;
    }
}
