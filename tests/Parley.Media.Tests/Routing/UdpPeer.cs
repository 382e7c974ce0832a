using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Parley.Media.Rtp;

namespace Parley.Media.Tests.Routing;

/// <summary>A remote RTP endpoint in a test: one UDP socket on 127.0.0.1 that records every datagram it receives.</summary>
internal sealed class UdpPeer : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Channel<byte[]> _received = Channel.CreateUnbounded<byte[]>();
    private readonly CancellationTokenSource _stop = new();

    public UdpPeer()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _ = ReceiveLoopAsync();
    }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public void SendTo(int port, ReadOnlySpan<byte> datagram) =>
        _socket.SendTo(datagram, SocketFlags.None, new IPEndPoint(IPAddress.Loopback, port));

    /// <summary>The next datagram that satisfies <paramref name="predicate"/>; others are skipped.</summary>
    public async Task<byte[]> ReceiveAsync(Func<byte[], bool> predicate)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var datagram = await _received.Reader.ReadAsync(timeout.Token);
            if (predicate(datagram))
            {
                return datagram;
            }
        }
    }

    public Task<byte[]> ReceiveRtpAsync() => ReceiveAsync(IsRtp);

    public Task<byte[]> ReceiveRtcpAsync(byte packetType, int format = -1) => ReceiveAsync(d =>
        !IsRtp(d) && ContainsRtcp(d, packetType, format));

    /// <summary>Everything received so far, without waiting.</summary>
    public List<byte[]> Drain()
    {
        var result = new List<byte[]>();
        while (_received.Reader.TryRead(out var datagram))
        {
            result.Add(datagram);
        }

        return result;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
    }

    public static bool IsRtp(byte[] d) => d.Length >= 12 && d[0] >> 6 == 2 && d[1] is < 192 or > 223;

    private static bool ContainsRtcp(byte[] d, byte packetType, int format)
    {
        var offset = 0;
        while (offset + 4 <= d.Length)
        {
            if (d[offset + 1] == packetType && (format < 0 || (d[offset] & 0x1F) == format))
            {
                return true;
            }

            offset += (((d[offset + 2] << 8) | d[offset + 3]) + 1) * 4;
        }

        return false;
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[65536];
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                _received.Writer.TryWrite(buffer.AsSpan(0, result.ReceivedBytes).ToArray());
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
        }
    }
}

/// <summary>Builds synthetic RTP for the routing tests.</summary>
internal static class TestRtp
{
    public static byte[] Build(byte payloadType, ushort sequence, uint timestamp, uint ssrc, ReadOnlySpan<byte> payload, params (byte Id, byte[] Value)[] extensions)
    {
        var buffer = new byte[1500];
        var builder = new RtpPacketBuilder(buffer, payloadType, sequence, timestamp, ssrc);
        foreach (var (id, value) in extensions)
        {
            Assert.True(builder.TryAddExtension(id, value));
        }

        Assert.True(builder.TryFinish(payload, 0, out var written));
        return buffer[..written];
    }

    public static (byte PayloadType, ushort Sequence, uint Timestamp, uint Ssrc) Header(byte[] packet)
    {
        Assert.True(RtpPacket.TryParse(packet, out var rtp));
        return (rtp.PayloadType, rtp.SequenceNumber, rtp.Timestamp, rtp.Ssrc);
    }

    public static byte[] Payload(byte[] packet)
    {
        Assert.True(RtpPacket.TryParse(packet, out var rtp));
        return rtp.Payload.ToArray();
    }

    /// <summary>An H.264 IDR slice as a single NAL unit packet.</summary>
    public static byte[] H264KeyFrame(byte marker) => [0x65, 0x88, marker, 1, 2, 3, 4, 5];

    /// <summary>An H.264 non-IDR slice.</summary>
    public static byte[] H264DeltaFrame(byte marker) => [0x41, 0x9A, marker, 1, 2, 3, 4, 5];
}

/// <summary>Polls a condition on the worker until it holds or the timeout passes.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + UdpPeer.Timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(5);
        }
    }

    public static Task<T> EventAsync<T>(Action<EventHandler> subscribe)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscribe((sender, _) => completion.TrySetResult((T)sender!));
        return completion.Task.WaitAsync(UdpPeer.Timeout);
    }
}
