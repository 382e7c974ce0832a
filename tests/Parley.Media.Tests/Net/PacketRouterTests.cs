using FsCheck.Xunit;
using Parley.Media.Net;
using Parley.Media.Stun;
using Parley.Media.Tests.Ice;

namespace Parley.Media.Tests.Net;

public sealed class PacketRouterTests : IDisposable
{
    private static readonly TransportTuple Bound = StunChecks.Udp("192.0.2.1", 1111);
    private static readonly TransportTuple Stranger = StunChecks.Udp("192.0.2.2", 2222);
    private static readonly byte[] Rtp = Convert.FromHexString("806f0001000000020000000300000000");

    private readonly WebRtcServer _server = new(new WebRtcServerOptions { Port = 0 });
    private readonly PacketRouter _router = new();
    private readonly WebRtcServerRegistration _alpha;
    private readonly WebRtcServerRegistration _beta;

    public PacketRouterTests()
    {
        _alpha = new WebRtcServerRegistration(_server, new NullTransport(), "alphaufrag");
        _beta = new WebRtcServerRegistration(_server, new NullTransport(), "betaufrag");
        Assert.True(_router.TryAddUfrag("alphaufrag", _alpha));
        Assert.True(_router.TryAddUfrag("betaufrag", _beta));
        Assert.False(_router.TryAddUfrag("alphaufrag", _beta));
        _router.BindTuple(Bound, _alpha);
    }

    public void Dispose() => _server.Dispose();

    [Fact]
    public void Stun_request_goes_by_ufrag_even_from_another_transports_tuple()
    {
        var check = StunChecks.BindingRequest("betaufrag:x", "irrelevant-password-0123456");
        Assert.Same(_beta, _router.Route(check, PacketKind.Stun, Bound, out _));
        Assert.Same(_beta, _router.Route(check, PacketKind.Stun, Stranger, out _));
    }

    [Fact]
    public void Username_without_colon_still_names_the_transport()
    {
        var check = StunChecks.BindingRequest("alphaufrag", "irrelevant-password-0123456");
        Assert.Same(_alpha, _router.Route(check, PacketKind.Stun, Stranger, out _));
    }

    [Fact]
    public void Unknown_ufrag_falls_back_to_the_tuple_then_drops()
    {
        var check = StunChecks.BindingRequest("gone:x", "irrelevant-password-0123456");
        Assert.Same(_alpha, _router.Route(check, PacketKind.Stun, Bound, out _));
        Assert.Null(_router.Route(check, PacketKind.Stun, Stranger, out var reason));
        Assert.Equal(DropReason.UnknownUsernameFragment, reason);
    }

    [Fact]
    public void Media_goes_by_tuple_only()
    {
        Assert.Same(_alpha, _router.Route(Rtp, PacketKind.Rtp, Bound, out _));
        Assert.Null(_router.Route(Rtp, PacketKind.Rtp, Stranger, out var reason));
        Assert.Equal(DropReason.UnknownTuple, reason);
        _router.UnbindTuple(Bound, _beta);
        Assert.Same(_alpha, _router.Route(Rtp, PacketKind.Rtp, Bound, out _));
        _router.UnbindTuple(Bound, _alpha);
        Assert.Null(_router.Route(Rtp, PacketKind.Rtp, Bound, out _));
    }

    [Fact]
    public void Stun_responses_and_indications_go_by_tuple()
    {
        Assert.Same(_alpha, _router.Route(Rfc5769Response(), PacketKind.Stun, Bound, out _));
        Assert.Null(_router.Route(Rfc5769Response(), PacketKind.Stun, Stranger, out var reason));
        Assert.Equal(DropReason.UnknownTuple, reason);
    }

    [Fact]
    public void Unparseable_stun_and_unknown_kinds_are_malformed()
    {
        Assert.Null(_router.Route(new byte[20], PacketKind.Stun, Bound, out var reason));
        Assert.Equal(DropReason.Malformed, reason);
        Assert.Null(_router.Route([0x50, 0x51], PacketKind.Unknown, Bound, out reason));
        Assert.Equal(DropReason.Malformed, reason);
    }

    [Fact]
    public void Removing_a_ufrag_only_removes_it_for_its_owner()
    {
        _router.RemoveUfrag("alphaufrag", _beta);
        Assert.True(_router.TryGetByUsername("alphaufrag:x"u8, out var owner));
        Assert.Same(_alpha, owner);
        _router.RemoveUfrag("alphaufrag", _alpha);
        Assert.False(_router.TryGetByUsername("alphaufrag:x"u8, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData(":x")]
    [InlineData("alpha ufrag:x")]
    [InlineData("älphaufrag:x")]
    public void Odd_usernames_match_nothing(string username) =>
        Assert.False(_router.TryGetByUsername(System.Text.Encoding.UTF8.GetBytes(username), out _));

    [Property(MaxTest = 500)]
    public void Random_packets_never_throw(byte[] data) => _ = _router.Route(data, PacketDemux.Classify(data), Stranger, out _);

    private static byte[] Rfc5769Response() => Stun.Rfc5769Vectors.SampleIPv4Response;

    private sealed class NullTransport : IWebRtcServerTransport
    {
        public string LocalUsernameFragment => "unused";

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
