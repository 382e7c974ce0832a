using System.Net;
using System.Net.Sockets;
using Parley.Media.Net;

namespace Parley.Media.Tests.Net;

public class TransportTupleTests
{
    [Theory]
    [InlineData("192.0.2.1", 5000)]
    [InlineData("2001:db8::1", 65535)]
    [InlineData("::1", 1)]
    public void Socket_address_round_trips(string address, int port)
    {
        var endPoint = new IPEndPoint(IPAddress.Parse(address), port);
        var socketAddress = endPoint.Serialize();
        Assert.True(TransportTuple.TryCreate(TransportProtocol.Udp, socketAddress, 40000, out var tuple));
        Assert.Equal(TransportTuple.Create(TransportProtocol.Udp, endPoint, 40000), tuple);
        Assert.Equal(endPoint, tuple.ToRemoteEndPoint());

        var written = new SocketAddress(endPoint.AddressFamily);
        Assert.True(tuple.TryWriteTo(written));
        Assert.Equal(endPoint, endPoint.Create(written));
    }

    [Fact]
    public void IPv4_and_its_mapped_form_are_the_same_tuple()
    {
        var v4 = TransportTuple.Create(TransportProtocol.Udp, new IPEndPoint(IPAddress.Parse("192.0.2.1"), 5), 1);
        var mapped = TransportTuple.Create(TransportProtocol.Udp, new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.1"), 5), 1);
        Assert.Equal(v4, mapped);
        Assert.True(mapped.IsIPv4);

        // A dual-stack socket sends to the mapped form.
        var v6Address = new SocketAddress(AddressFamily.InterNetworkV6);
        Assert.True(v4.TryWriteTo(v6Address));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.1"), 5), new IPEndPoint(IPAddress.IPv6Any, 0).Create(v6Address));
    }

    [Fact]
    public void IPv6_cannot_be_sent_from_an_IPv4_socket()
    {
        var v6 = TransportTuple.Create(TransportProtocol.Udp, new IPEndPoint(IPAddress.Parse("2001:db8::1"), 5), 1);
        Assert.False(v6.TryWriteTo(new SocketAddress(AddressFamily.InterNetwork)));
    }

    [Fact]
    public void Every_part_counts_for_equality()
    {
        var endPoint = new IPEndPoint(IPAddress.Parse("192.0.2.1"), 5000);
        var tuple = TransportTuple.Create(TransportProtocol.Udp, endPoint, 40000);
        Assert.NotEqual(tuple, TransportTuple.Create(TransportProtocol.Tcp, endPoint, 40000));
        Assert.NotEqual(tuple, TransportTuple.Create(TransportProtocol.Udp, endPoint, 40001));
        Assert.NotEqual(tuple, TransportTuple.Create(TransportProtocol.Udp, new IPEndPoint(endPoint.Address, 5001), 40000));
        Assert.NotEqual(tuple, TransportTuple.Create(TransportProtocol.Udp, new IPEndPoint(IPAddress.Parse("192.0.2.2"), 5000), 40000));
        Assert.Equal(tuple.GetHashCode(), TransportTuple.Create(TransportProtocol.Udp, endPoint, 40000).GetHashCode());
        Assert.Equal("udp 192.0.2.1:5000 -> :40000", tuple.ToString());
    }

    [Fact]
    public void A_kernel_sockaddr_in_is_read_byte_for_byte()
    {
        // struct sockaddr_in for 192.0.2.1:5004: family AF_INET (2) in host order, then port and address in network order.
        byte[] raw = [2, 0, 0x13, 0x8C, 192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.True(TransportTuple.TryCreate(TransportProtocol.Udp, raw, 40000, out var tuple));
        Assert.Equal(TransportTuple.Create(TransportProtocol.Udp, new IPEndPoint(IPAddress.Parse("192.0.2.1"), 5004), 40000), tuple);
    }

    [Fact]
    public void A_kernel_sockaddr_in6_is_read_byte_for_byte()
    {
        // struct sockaddr_in6 for [2001:db8::7]:65535: family AF_INET6 (10), port, flow info, address, scope id.
        byte[] raw = [10, 0, 0xFF, 0xFF, 0, 0, 0, 0, 0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0];
        Assert.True(TransportTuple.TryCreate(TransportProtocol.Udp, raw, 1, out var tuple));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 65535), tuple.ToRemoteEndPoint());
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 2, 0, 0x13, 0x8C, 192, 0, 2 })]
    [InlineData(new byte[] { 10, 0, 0xFF, 0xFF, 0, 0, 0, 0, 0x20, 0x01 })]
    [InlineData(new byte[] { 2 })]
    public void An_unknown_family_or_a_short_sockaddr_is_refused(byte[] raw) =>
        Assert.False(TransportTuple.TryCreate(TransportProtocol.Udp, raw, 1, out _));
}
