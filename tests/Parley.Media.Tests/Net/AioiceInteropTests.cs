using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Parley.Media.Ice;
using Parley.Media.Net;

namespace Parley.Media.Tests.Net;

/// <summary>
/// Cross-checks against an independent ICE/STUN implementation: Debian's python3-aioice (aiortc's ICE agent)
/// acting as the controlling full agent against our ICE-lite WebRtcServer. Needs /usr/bin/python3 with
/// python3-aioice installed (apt).
/// </summary>
public sealed class AioiceInteropTests : IDisposable
{
    private static readonly byte[] ExpectedRtp = [.. Convert.FromHexString("80600007000000640000beef"), .. "from-aioice"u8];

    private readonly WebRtcServer _server;

    public AioiceInteropTests()
    {
        _server = new WebRtcServer(new WebRtcServerOptions { Port = 0 });
        _server.Start();
    }

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task Aioice_full_agent_connects_over_udp_and_its_media_reaches_the_transport()
    {
        using var transport = new TestIceTransport(_server);
        var output = await RunPeer("ice", transport.Parameters);

        var local = output.GetProperty("local");
        var peer = new IPEndPoint(IPAddress.Parse(local[0].GetString()!), local[1].GetInt32());
        var tuple = TransportTuple.Create(TransportProtocol.Udp, peer, _server.UdpPort);

        // aioice checks first, then nominates with USE-CANDIDATE since we are lite (regular nomination).
        Assert.Equal(IceState.Completed, transport.Read(a => a.State));
        Assert.Equal(tuple, transport.Read(a => a.SelectedTuple));
        await WebRtcServerSocketTests.WaitUntil(() => !transport.Media.IsEmpty);
        Assert.True(transport.Media.TryPeek(out var media));
        Assert.Equal((PacketKind.Rtp, tuple), (media.Kind, media.From));
        Assert.Equal(ExpectedRtp, media.Packet);
    }

    [Fact]
    public async Task Aioice_stun_request_over_tcp_gets_a_response_aioice_verifies()
    {
        using var transport = new TestIceTransport(_server);
        var output = await RunPeer("tcp", transport.Parameters);

        var local = output.GetProperty("local");
        var mapped = output.GetProperty("mapped");
        Assert.Equal(local[0].GetString(), mapped[0].GetString());
        Assert.Equal(local[1].GetInt32(), mapped[1].GetInt32());
        Assert.Equal(IceState.Completed, transport.Read(a => a.State));
        await WebRtcServerSocketTests.WaitUntil(() => !transport.Media.IsEmpty);
        Assert.True(transport.Media.TryPeek(out var media));
        Assert.Equal(TransportProtocol.Tcp, media.From.Protocol);
        Assert.Equal(ExpectedRtp, media.Packet);
    }

    private async Task<JsonElement> RunPeer(string mode, IceParameters parameters)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ScriptPath());
        start.ArgumentList.Add(mode);
        start.ArgumentList.Add((mode == "tcp" ? _server.TcpPort : _server.UdpPort).ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(parameters.UsernameFragment);
        start.ArgumentList.Add(parameters.Password);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(process.ExitCode == 0, $"aioice peer failed ({process.ExitCode}): {await stderr}");
        var lastLine = (await stdout).Trim().Split('\n')[^1];
        return JsonDocument.Parse(lastLine).RootElement.Clone();
    }

    private static string ScriptPath([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "Interop", "aioice_peer.py");
}
