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

        var allocated = Measure(() => agent.ProcessStun(request, From, 5, sink));

        Assert.Equal(0, allocated);
        Assert.True(sink.Count > 0);
    }

    [Fact]
    public void Rejecting_a_bad_check_allocates_nothing()
    {
        var agent = new IceLiteAgent();
        var sink = new CountingSink();
        var request = StunChecks.BindingRequest($"{agent.LocalParameters.UsernameFragment}:x", "not-the-password-not-the-password");

        Assert.Equal(0, Measure(() => agent.ProcessStun(request, From, 5, sink)));
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
        Assert.Equal(0, Measure(() => routed = router.Route(rtp, PacketDemux.Classify(rtp), From, out _)));
        Assert.Same(registration, routed);
        Assert.Equal(0, Measure(() => routed = router.Route(check, PacketDemux.Classify(check), From, out _)));
        Assert.Same(registration, routed);
    }

    /// <summary>
    /// Bytes allocated by 1,000 calls after a warm-up: the least of five rounds. A per-call allocation shows in every
    /// round; a one-off runtime event (tiered compilation installing optimised code mid-round) does not repeat.
    /// </summary>
    private static long Measure(Action action)
    {
        for (var i = 0; i < 200; i++)
        {
            action();
        }

        var least = long.MaxValue;
        for (var round = 0; round < 5 && least > 0; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                action();
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }

    private sealed class CountingSink : IIceResponseSink
    {
        public int Count;

        public void SendStunResponse(ReadOnlySpan<byte> response, in TransportTuple to) => Count++;
    }

    private sealed class NoTransport : IWebRtcServerTransport
    {
        public string LocalUsernameFragment => "hotpathufrag";

        public void OnPacket(ReadOnlySpan<byte> packet, in TransportTuple from, PacketKind kind)
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
