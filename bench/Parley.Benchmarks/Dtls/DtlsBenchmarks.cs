using BenchmarkDotNet.Attributes;
using Parley.Media.Dtls;

namespace Parley.Benchmarks.Dtls;

/// <summary>
/// DTLS costs: the per-datagram check in front of the engine, the fingerprint check, and what
/// a whole transport setup (certificate aside) costs in time and memory.
/// </summary>
[MemoryDiagnoser]
public class DtlsBenchmarks
{
    private static readonly DtlsCertificate ServerCertificate = DtlsCertificate.Generate("bench-server");
    private static readonly DtlsCertificate ClientCertificate = DtlsCertificate.Generate("bench-client");

    private readonly byte[] _handshakeDatagram = new byte[1200];
    private readonly byte[] _encryptedDatagram = new byte[1200];
    private readonly byte[] _certificateDer = ClientCertificate.RawData.ToArray();
    private readonly DtlsFingerprint _fingerprint = ClientCertificate.Sha256Fingerprint;

    [GlobalSetup]
    public void Setup()
    {
        // One record carrying a 1,175-byte handshake fragment (the shape of a fragmented Certificate).
        const int fragmentLength = 1200 - DtlsRecordHeader.Size - 12;
        new DtlsRecordHeader(DtlsContentType.Handshake, 0xFEFD, 0, 3, 1200 - DtlsRecordHeader.Size).TryWrite(_handshakeDatagram, out _);
        byte[] handshakeHeader = [11, 0, 0x10, 0, 0, 1, 0, 0, 0, 0, fragmentLength >> 8, fragmentLength & 0xFF];
        handshakeHeader.CopyTo(_handshakeDatagram, DtlsRecordHeader.Size);

        new DtlsRecordHeader(DtlsContentType.ApplicationData, 0xFEFD, 1, 42, 1200 - DtlsRecordHeader.Size).TryWrite(_encryptedDatagram, out _);
    }

    [Benchmark]
    public int InspectPlaintextHandshakeDatagram() => (int)DtlsDatagramInspection.Inspect(_handshakeDatagram);

    [Benchmark]
    public int InspectEncryptedDatagram() => (int)DtlsDatagramInspection.Inspect(_encryptedDatagram);

    [Benchmark]
    public bool MatchSha256Fingerprint() => _fingerprint.Matches(_certificateDer);

    [Benchmark]
    public async Task HandshakeInMemory()
    {
        var serverConnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clientConnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        DtlsTransport? client = null;
        using var server = new DtlsTransport(ServerCertificate, datagram => client!.Feed(datagram));
        client = new DtlsTransport(ClientCertificate, datagram => server.Feed(datagram));
        using (client)
        {
            server.StateChanged += (_, e) => Complete(serverConnected, e.State);
            client.StateChanged += (_, e) => Complete(clientConnected, e.State);
            server.Start(DtlsRole.Server, ClientCertificate.Fingerprints);
            client.Start(DtlsRole.Client, ServerCertificate.Fingerprints);
            await Task.WhenAll(serverConnected.Task, clientConnected.Task);
        }
    }

    private static void Complete(TaskCompletionSource connected, DtlsState state)
    {
        if (state == DtlsState.Connected)
            connected.TrySetResult();
        else if (state is DtlsState.Failed or DtlsState.Closed)
            connected.TrySetException(new InvalidOperationException($"Handshake ended in {state}."));
    }
}
