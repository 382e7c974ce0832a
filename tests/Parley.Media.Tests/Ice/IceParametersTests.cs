using System.Text.Json;
using Parley.Media.Ice;
using Parley.Media.Net;

namespace Parley.Media.Tests.Ice;

public class IceParametersTests
{
    [Fact]
    public void Generated_credentials_are_long_random_ice_chars()
    {
        var a = IceParameters.Generate();
        var b = IceParameters.Generate();
        Assert.Equal(IceParameters.GeneratedUfragLength, a.UsernameFragment.Length);
        Assert.Equal(IceParameters.GeneratedPasswordLength, a.Password.Length);
        Assert.True(a.IceLite);
        Assert.NotEqual(a.UsernameFragment, b.UsernameFragment);
        Assert.NotEqual(a.Password, b.Password);
        Assert.Matches("^[a-z0-9]+$", a.UsernameFragment);
        Assert.Matches("^[A-Za-z0-9+/]+$", a.Password);
    }

    [Fact]
    public void Serializes_in_mediasoup_client_shape()
    {
        var json = JsonSerializer.Serialize(new IceParameters("ufrag", "password"), JsonSerializerOptions.Web);
        Assert.Equal("""{"usernameFragment":"ufrag","password":"password","iceLite":true}""", json);
    }
}

public class IceCandidateTests
{
    [Fact]
    public void Udp_host_candidate_has_RFC_8445_priority_and_no_tcp_type()
    {
        var candidate = IceCandidate.CreateHost(TransportProtocol.Udp, "203.0.113.5", 40000);
        Assert.Equal((126u << 24) + (65535u << 8) + 255u, candidate.Priority);
        var json = JsonSerializer.Serialize(candidate, JsonSerializerOptions.Web);
        Assert.Equal(
            """{"foundation":"udpcandidate","priority":2130706431,"ip":"203.0.113.5","address":"203.0.113.5","port":40000,"type":"host","protocol":"udp"}""",
            json);
    }

    [Fact]
    public void Tcp_candidate_is_passive_and_ranks_below_udp()
    {
        var tcp = IceCandidate.CreateHost(TransportProtocol.Tcp, "203.0.113.5", 40000);
        var udp = IceCandidate.CreateHost(TransportProtocol.Udp, "203.0.113.5", 40000);
        Assert.Equal("passive", tcp.TcpType);
        Assert.Equal("tcp", tcp.Protocol);
        Assert.True(tcp.Priority < udp.Priority);
        Assert.Equal((126u << 24) + (40959u << 8) + 255u, tcp.Priority);
        Assert.Contains("\"tcpType\":\"passive\"", JsonSerializer.Serialize(tcp, JsonSerializerOptions.Web));
    }
}
