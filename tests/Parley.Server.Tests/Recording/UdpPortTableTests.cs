using Parley.Server.Recording;

namespace Parley.Server.Tests.Recording;

public sealed class UdpPortTableTests
{
    private const string Table =
        "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n" +
        "  123: 0100007F:9C40 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 12345 2 0000000000000000 0\n" +
        "  456: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 23456 2 0000000000000000 0\n";

    [Theory]
    [InlineData(40000, true)]
    [InlineData(68, true)]
    [InlineData(40001, false)]
    [InlineData(0, false)]
    public void Finds_a_bound_local_port(int port, bool bound) => Assert.Equal(bound, UdpPortTable.HasLocalPort(Table, port));

    [Fact]
    public void Reads_ipv6_lines_and_ignores_garbage()
    {
        const string v6 = "  sl  local_address\n   7: 00000000000000000000000001000000:A000 00000000000000000000000000000000:0000 07\nnonsense\n\n";
        Assert.True(UdpPortTable.HasLocalPort(v6, 0xA000));
        Assert.False(UdpPortTable.HasLocalPort("", 0xA000));
    }

    [Fact]
    public void Sees_a_socket_this_process_binds()
    {
        using var socket = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)socket.Client.LocalEndPoint!).Port;
        Assert.True(UdpPortTable.IsBound(port));
    }
}
