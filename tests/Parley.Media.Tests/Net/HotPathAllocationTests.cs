using Parley.Media.Ice;
using Parley.Media.Net;
using Parley.Media.Stun;
using Parley.Media.Tests.Ice;

namespace Parley.Media.Tests.Net;

/// <summary>The per-packet paths of ICE and the shared port must not allocate.</summary>
public class HotPathAllocationTests
{
    private static readonly TransportTuple From = StunChecks.Udp("192.0.2.44", 40404);

    [Fact]
    public void Answering_a_valid_check_allocates_nothing()
    {
        var agent = new IceLiteAgent();
        var sink = new CountingSink();
        var request = StunChecks.Check(agent.LocalParameters, useCandidate: true);

        var allocated = AllocationMeter.LeastPerRound(() => agent.ProcessStun(request, From, 5, sink), warmUp: 200, perRound: 1000);

        Assert.Equal(0, allocated);
        Assert.True(sink.Count > 0);
    }

    [Fact]
    public void Rejecting_a_bad_check_allocates_nothing()
    {
        var agent = new IceLiteAgent();
        var sink = new CountingSink();
        var request = StunChecks.BindingRequest($"{agent.LocalParameters.UsernameFragment}:x", "not-the-password-not-the-password");

        Assert.Equal(0, AllocationMeter.LeastPerRound(() => agent.ProcessStun(request, From, 5, sink), warmUp: 200, perRound: 1000));
    }

    [Fact]
    public void Routing_media_and_checks_allocates_nothing()
    {
        using var server = new WebRtcServer(new WebRtcServerOptions { Port = 0 });
        var router = new PacketRouter();
        var registration = new WebRtcServerRegistration(server, new NoTransport(), "hotpathufrag");
        router.TryAddUfrag("hotpathufrag", registration);
        router.BindTuple(From, registration);
        var rtp = new byte[1200];
        rtp[0] = 0x80;
        rtp[1] = 111;
        var check = StunChecks.BindingRequest("hotpathufrag:peer", "0123456789012345678901");

        WebRtcServerRegistration? routed = null;
        Assert.Equal(0, AllocationMeter.LeastPerRound(() => routed = router.Route(rtp, PacketDemux.Classify(rtp), From, out _), warmUp: 200, perRound: 1000));
        Assert.Same(registration, routed);
        Assert.Equal(0, AllocationMeter.LeastPerRound(() => routed = router.Route(check, PacketDemux.Classify(check), From, out _), warmUp: 200, perRound: 1000));
        Assert.Same(registration, routed);
    }

    private sealed class CountingSink : IIceResponseSink
    {
        public int Count;

        public void SendStunResponse(ReadOnlySpan<byte> response, in TransportTuple to) => Count++;
    }

    private sealed class NoTransport : IWebRtcServerTransport
    {
        public string LocalUsernameFragment => "hotpathufrag";

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
