using System.Net;
using System.Net.Sockets;
using Parley.Media.Net;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Net;

/// <summary>The worker's batch of datagrams for one socket: sent together on flush, each one counted.</summary>
public sealed class UdpSendBatchTests
{
    [Fact]
    public void Datagrams_go_out_only_on_flush_each_to_its_own_address_and_are_counted()
    {
        Assert.True(UdpSendBatch.IsSupported, "sendmmsg batching is built for 64-bit Linux");
        var counters = new WebRtcServerCounters();
        using var listener = UdpSocketListener.Bind(IPAddress.Loopback, 0, new IgnoringHandler(), counters, 1500);
        var receivers = Enumerable.Range(0, UdpSendBatch.Capacity + 6).Select(_ => Receiver()).ToArray();
        var owner = new TransportCounters();
        var batch = new UdpSendBatch();

        for (var i = 0; i < receivers.Length; i++)
        {
            var slot = batch.Reserve(listener);
            slot[0] = (byte)i;
            slot[1] = 0xAB;
            Assert.True(batch.Commit(2 + i, To(receivers[i], listener), owner));
        }

        // A full batch went out by itself when the next datagram needed its slot; the rest waits for the flush.
        Assert.Equal(6, batch.Count);
        Assert.Equal(UdpSendBatch.Capacity, counters.PacketsSent);
        batch.Flush();
        Assert.Equal(0, batch.Count);

        var buffer = new byte[128];
        for (var i = 0; i < receivers.Length; i++)
        {
            var length = receivers[i].Receive(buffer);
            Assert.Equal(2 + i, length);
            Assert.Equal((byte)i, buffer[0]);
            Assert.Equal(0xAB, buffer[1]);
            receivers[i].Dispose();
        }

        Assert.Equal(receivers.Length, counters.PacketsSent);
        Assert.Equal(0, counters.GetDropped(DropReason.SendFailed));
        Assert.Equal(0, owner.Dropped(RtpDropReason.SendFailed));
    }

    [Fact]
    public void Every_datagram_the_kernel_refuses_is_counted_for_its_owner_and_the_socket()
    {
        Assert.True(UdpSendBatch.IsSupported, "sendmmsg batching is built for 64-bit Linux");
        var counters = new WebRtcServerCounters();
        var listener = UdpSocketListener.Bind(IPAddress.Loopback, 0, new IgnoringHandler(), counters, 1500);
        using var receiver = Receiver();
        var first = new TransportCounters();
        var second = new TransportCounters();
        var batch = new UdpSendBatch();
        for (var i = 0; i < 5; i++)
        {
            batch.Reserve(listener)[0] = 1;
            batch.Commit(1, To(receiver, listener), i < 2 ? first : second);
        }

        listener.Dispose();
        batch.Flush();

        Assert.Equal(0, counters.PacketsSent);
        Assert.Equal(5, counters.GetDropped(DropReason.SendFailed));
        Assert.Equal(2, first.Dropped(RtpDropReason.SendFailed));
        Assert.Equal(3, second.Dropped(RtpDropReason.SendFailed));
        Assert.Equal(0, batch.Count);
    }

    private static Socket Receiver()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 10_000 };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static TransportTuple To(Socket receiver, UdpSocketListener from) =>
        TransportTuple.Create(TransportProtocol.Udp, (IPEndPoint)receiver.LocalEndPoint!, from.LocalPort);

    private sealed class IgnoringHandler : IUdpDatagramHandler
    {
        public void OnDatagram(ReadOnlySpan<byte> datagram, in TransportTuple from, long arrivalTimestamp)
        {
        }
    }
}
