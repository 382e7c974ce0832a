using System.Net;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Parley.Media.Ice;
using Parley.Media.Net;
using Parley.Media.Stun;

namespace Parley.Benchmarks.Stun;

/// <summary>
/// The ICE-lite hot paths: answering one valid connectivity check (parse, USERNAME match, MESSAGE-INTEGRITY
/// and FINGERPRINT verification, success response with XOR-MAPPED-ADDRESS + MESSAGE-INTEGRITY + FINGERPRINT),
/// and classifying/routing one media packet on the shared port.
/// </summary>
[MemoryDiagnoser]
public class StunCheckBenchmarks
{
    private readonly NullSink _sink = new();
    private IceLiteAgent _agent = null!;
    private byte[] _request = null!;
    private byte[] _key = null!;
    private byte[] _rtp = null!;
    private TransportTuple _from;
    private PacketRouter _router = null!;
    private WebRtcServer _server = null!;

    [GlobalSetup]
    public void Setup()
    {
        _agent = new IceLiteAgent();
        _from = TransportTuple.Create(TransportProtocol.Udp, new IPEndPoint(IPAddress.Parse("192.0.2.7"), 54321), 40000);

        // Shaped like Chromium's checks: USERNAME, GOOG-NETWORK-INFO, ICE-CONTROLLING, USE-CANDIDATE, PRIORITY, MI, FP.
        var buffer = new byte[256];
        var writer = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, RandomNumberGenerator.GetBytes(12));
        writer.TryAddUsername(Encoding.ASCII.GetBytes($"{_agent.LocalParameters.UsernameFragment}:Ab3d"));
        writer.TryAddIceRole(StunIceRole.Controlling, 0x0102030405060708);
        writer.TryAddUseCandidate();
        writer.TryAddPriority(1853824767);
        writer.TryAddMessageIntegrity(Encoding.ASCII.GetBytes(_agent.LocalParameters.Password));
        writer.TryAddFingerprint();
        _request = writer.Written.ToArray();
        _key = Encoding.ASCII.GetBytes(_agent.LocalParameters.Password);

        _rtp = new byte[1200];
        _rtp[0] = 0x80;
        _rtp[1] = 96;
        _server = new WebRtcServer(new WebRtcServerOptions { Port = 0 });
        _router = new PacketRouter();
        var registration = new WebRtcServerRegistration(_server, new NullTransport(), "benchufrag");
        _router.TryAddUfrag("benchufrag", registration);
        _router.BindTuple(_from, registration);
    }

    [GlobalCleanup]
    public void Cleanup() => _server.Dispose();

    [Benchmark]
    public int HandleValidBindingRequest() => (int)_agent.ProcessStun(_request, _from, 1_000, _sink);

    [Benchmark]
    public bool ParseAndVerifyOnly() =>
        StunMessage.TryParse(_request, out var message) && message.VerifyFingerprint()
        && message.VerifyMessageIntegrity(_key);

    [Benchmark]
    public bool DemuxAndRouteRtp() => _router.Route(_rtp, PacketDemux.Classify(_rtp), _from, out _) is not null;

    [Benchmark]
    public bool DemuxAndRouteStunByUfrag() => _router.Route(_request, PacketDemux.Classify(_request), _from, out _) is not null;

    private sealed class NullSink : IIceResponseSink
    {
        public int Bytes;

        public void SendStunResponse(ReadOnlySpan<byte> response, in TransportTuple to) => Bytes += response.Length;
    }

    private sealed class NullTransport : IWebRtcServerTransport
    {
        public string LocalUsernameFragment => "benchufrag";

        public void OnPacket(Span<byte> packet, in TransportTuple from, PacketKind kind, long arrivalTimestamp)
        {
        }

        public void OnTupleClosed(in TransportTuple tuple)
        {
        }

        public void OnTick(long nowMilliseconds)
        {
        }
    }
}
