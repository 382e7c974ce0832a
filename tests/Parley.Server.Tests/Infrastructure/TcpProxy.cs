using System.Net;
using System.Net.Sockets;

namespace Parley.Server.Tests.Infrastructure;

/// <summary>
/// A loopback TCP relay in front of a server (the test PostgreSQL), which a test can cut (every connection reset,
/// new ones refused) and restore, to take the database away from one app without stopping the shared cluster.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly List<Socket> _open = [];
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;

    public TcpProxy(IPEndPoint target, int port = 0)
    {
        _target = target;
        Port = port;
        Start();
    }

    /// <summary>The loopback port to connect to.</summary>
    public int Port { get; private set; }

    /// <summary>Stops listening (connects are refused) and resets every relayed connection.</summary>
    public async Task CutAsync()
    {
        _listener?.Stop();
        _listener = null;
        lock (_open)
        {
            foreach (var socket in _open)
            {
                socket.Close(0);
            }

            _open.Clear();
        }

        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>Listens again on the same port.</summary>
    public void Restore() => Start();

    public async ValueTask DisposeAsync() => await CutAsync();

    private void Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _listener = listener;
        _accepting = AcceptAsync(listener);
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await server.ConnectAsync(_target);
            }
            catch (SocketException)
            {
                client.Close(0);
                server.Dispose();
                continue;
            }

            lock (_open)
            {
                _open.Add(client);
                _open.Add(server);
            }

            _ = PumpAsync(client, server);
            _ = PumpAsync(server, client);
        }
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    break;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Cut, or the other side closed.
        }

        from.Close(0);
        to.Close(0);
    }
}
