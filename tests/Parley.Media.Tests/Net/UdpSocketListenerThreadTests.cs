using Parley.Media.Net;
using Parley.Media.Tests.Routing;

namespace Parley.Media.Tests.Net;

/// <summary>The shared port's receive loop runs on a thread of its own, which must end with the server.</summary>
public sealed class UdpSocketListenerThreadTests
{
    [Fact]
    public async Task The_receive_thread_ends_when_the_server_is_disposed()
    {
        Assert.True(OperatingSystem.IsLinux(), "thread names are read from /proc");
        var server = new WebRtcServer(new WebRtcServerOptions { Port = 0 });
        server.Start();
        var name = $"udp-rx-{server.UdpPort}";
        Assert.Equal(1, CountThreads(name));

        server.Dispose();
        await Eventually.TrueAsync(() => Task.FromResult(CountThreads(name) == 0), "the receive thread to end");
    }

    [Fact]
    public async Task A_handler_that_throws_costs_its_datagram_and_the_port_keeps_receiving()
    {
        var counters = new WebRtcServerCounters();
        var handler = new FlakyHandler();
        using var listener = UdpSocketListener.Bind(System.Net.IPAddress.Loopback, 0, handler, counters, 1500);
        listener.Start();
        using var sender = new UdpPeer();
        sender.SendTo(listener.LocalPort, [1]);
        sender.SendTo(listener.LocalPort, [2]);
        sender.SendTo(listener.LocalPort, [3]);

        await Eventually.TrueAsync(() => Task.FromResult(handler.Delivered.Count == 1), "the good datagram after two bad ones");
        Assert.Equal(2, counters.GetDropped(DropReason.TransportError));
        Assert.Equal(3, (int)handler.Delivered.Single());
    }

    private sealed class FlakyHandler : IUdpDatagramHandler
    {
        public System.Collections.Concurrent.ConcurrentQueue<byte> Delivered { get; } = new();

        public void OnDatagram(ReadOnlySpan<byte> datagram, in TransportTuple from, long arrivalTimestamp)
        {
            if (datagram[0] < 3)
            {
                throw new InvalidOperationException("a demultiplexing bug");
            }

            Delivered.Enqueue(datagram[0]);
        }
    }

    private static int CountThreads(string name) =>
        Directory.GetDirectories("/proc/self/task").Count(task =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(task, "comm")).Trim() == name;
            }
            catch (IOException)
            {
                return false;
            }
        });
}
