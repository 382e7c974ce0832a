using System.Net;
using Parley.Media.Net;

namespace Parley.Media.Tests.Net;

public class WebRtcServerOptionsTests
{
    [Fact]
    public void Defaults_are_loopback_and_port_40000()
    {
        var options = new WebRtcServerOptions();
        Assert.Equal(IPAddress.Loopback, options.ListenAddress);
        Assert.Equal(40000, options.Port);
        Assert.True(options.EnableUdp);
        Assert.True(options.EnableTcp);
    }

    [Fact]
    public void Listening_on_all_interfaces_needs_an_announced_address()
    {
        Assert.Throws<ArgumentException>(() => new WebRtcServer(new WebRtcServerOptions { ListenAddress = IPAddress.Any }));
        using var server = new WebRtcServer(new WebRtcServerOptions { ListenAddress = IPAddress.Any, AnnouncedAddress = "203.0.113.9" });
    }

    [Fact]
    public void Announced_address_goes_into_the_candidates()
    {
        using var server = new WebRtcServer(new WebRtcServerOptions { Port = 0, AnnouncedAddress = "media.example.org" });
        server.Start();
        Assert.All(server.LocalCandidates, c => Assert.Equal(("media.example.org", "media.example.org"), (c.Ip, c.Address)));
    }

    [Fact]
    public void Announced_port_goes_into_the_shared_candidates_while_the_bound_port_stays()
    {
        using var server = new WebRtcServer(new WebRtcServerOptions { Port = 0, AnnouncedPort = 50123 });
        server.Start();
        Assert.Equal(2, server.LocalCandidates.Count);
        Assert.All(server.LocalCandidates, c => Assert.Equal(50123, c.Port));
        Assert.NotEqual(50123, server.UdpPort);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void An_announced_port_out_of_range_is_refused(int port) =>
        Assert.ThrowsAny<ArgumentException>(() => new WebRtcServer(new WebRtcServerOptions { Port = 0, AnnouncedPort = port }));

    [Theory]
    [InlineData(-1, 0, 0, 1500)]
    [InlineData(70000, 0, 0, 1500)]
    [InlineData(0, 5000, 4000, 1500)]
    [InlineData(0, 0, 0, 100)]
    [InlineData(0, 0, 0, 70000)]
    public void Invalid_numbers_are_refused(int port, int dedicatedMin, int dedicatedMax, int maxPacket) =>
        Assert.ThrowsAny<ArgumentException>(() => new WebRtcServer(new WebRtcServerOptions
        {
            Port = port,
            DedicatedPortMin = dedicatedMin,
            DedicatedPortMax = dedicatedMax,
            MaxPacketSize = maxPacket,
        }));

    [Fact]
    public void Udp_only_server_announces_only_udp()
    {
        using var server = new WebRtcServer(new WebRtcServerOptions { Port = 0, EnableTcp = false });
        server.Start();
        Assert.Equal("udp", Assert.Single(server.LocalCandidates).Protocol);
        Assert.Equal(0, server.TcpPort);
    }

    [Fact]
    public void Register_before_start_is_an_error() =>
        Assert.Throws<InvalidOperationException>(() =>
        {
            using var server = new WebRtcServer(new WebRtcServerOptions { Port = 0 });
            using var transport = new TestIceTransport(server);
        });
}
