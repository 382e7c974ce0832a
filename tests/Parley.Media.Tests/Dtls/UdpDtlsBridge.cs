using System.Net;
using System.Net.Sockets;
using Parley.Media.Dtls;

namespace Parley.Media.Tests.Dtls;

/// <summary>
/// The test's stand-in for the ICE layer: one UDP socket on 127.0.0.1 whose datagrams are fed to
/// a <see cref="DtlsTransport"/> and which sends the transport's datagrams to the peer.
/// </summary>
internal sealed class UdpDtlsBridge : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private EndPoint? _peer;
    private Task? _receiving;

    internal UdpDtlsBridge(DtlsCertificate certificate, DtlsTransportOptions? options = null, IPEndPoint? peer = null)
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _peer = peer;
        Transport = new DtlsTransport(certificate, SendToPeer, options);
        States = StateRecorder.Attach(Transport);
    }

    internal DtlsTransport Transport { get; }

    internal StateRecorder States { get; }

    internal int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    internal static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    internal void StartReceiving() => _receiving = Task.Run(ReceiveLoopAsync);

    public void Dispose()
    {
        Transport.Dispose();
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            _receiving?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends by cancellation or a disposed socket.
        }

        _stop.Dispose();
    }

    private void SendToPeer(ReadOnlySpan<byte> datagram)
    {
        EndPoint? peer = Volatile.Read(ref _peer);
        if (peer is not null)
            _socket.SendTo(datagram, SocketFlags.None, peer);
    }

    private async Task ReceiveLoopAsync()
    {
        byte[] buffer = new byte[65536];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            // Like ICE-lite: the first sender becomes the peer.
            Interlocked.CompareExchange(ref _peer, result.RemoteEndPoint, null);
            Transport.Feed(buffer.AsSpan(0, result.ReceivedBytes));
        }
    }
}
