using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Parley.Server.Tests.Cluster;

/// <summary>
/// A redis-server of the test's own (the Debian package scripts/deps.sh installs), on a free loopback port without
/// persistence, that the test can stop and start again on the same port (the shared test Redis is not the test's to stop).
/// </summary>
public sealed class RestartableRedis : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(20);

    private readonly string _directory = Directory.CreateTempSubdirectory("parley-redis-").FullName;
    private Process? _process;

    private RestartableRedis(int port) => Port = port;

    public int Port { get; }

    /// <summary>The StackExchange.Redis connection string (short timeouts, so that a stopped server is noticed quickly).</summary>
    public string ConnectionString => $"127.0.0.1:{Port},connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000";

    public static async Task<RestartableRedis> StartAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var redis = new RestartableRedis(port);
        await redis.StartAgainAsync();
        return redis;
    }

    /// <summary>Starts the server on its port and waits until it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        Assert.Null(_process);
        var start = new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--bind", "127.0.0.1", "--port", Port.ToString(), "--save", "", "--appendonly", "no", "--dir", _directory },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + StartLimit;
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Kills the server (as a crash would) and waits until it is gone; every key it held is lost.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
