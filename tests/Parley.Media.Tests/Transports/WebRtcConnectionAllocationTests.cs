using System.Buffers.Binary;
using Parley.Media.Ice;
using Parley.Media.Net;
using Parley.Media.Routing;
using Parley.Media.Srtp;
using Parley.Media.Tests.Dtls;
using Parley.Media.Transports;
using static Parley.Media.Tests.Net.WebRtcServerSocketTests;
using static Parley.Media.Tests.Srtp.SrtpTestPackets;

namespace Parley.Media.Tests.Transports;

/// <summary>
/// On the worker, receiving (unprotect + handler) and sending (protect + socket) one media packet must not allocate.
/// Measured on the worker's own thread, where the connection runs.
/// </summary>
public sealed class WebRtcConnectionAllocationTests : IDisposable
{
    private readonly WebRtcServer _server = new(new WebRtcServerOptions { Port = 0 });
    private readonly Worker _worker = TestWorkers.Create("webrtc-allocation-tests");
    private readonly WebRtcConnection _connection;

    public WebRtcConnectionAllocationTests()
    {
        _server.Start();
        _connection = new WebRtcConnection(_server, _worker, TestCertificates.Server);
    }

    public void Dispose()
    {
        _connection.Dispose();
        _server.Dispose();
        _worker.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Fact]
    public async Task The_media_paths_allocate_nothing()
    {
        using var peer = new LoopbackWebRtcPeer(_server.UdpPort);
        peer.SendCheck(_connection.IceParameters);
        await WaitUntil(() => _connection.IceState == IceState.Completed);
        await _worker.InvokeAsync(() => _connection.Connect(peer.DtlsParameters));
        await peer.ConnectDtlsAsync(_connection.DtlsParameters);
        await WaitUntil(() => _connection.SrtpProfile is not null);

        var received = 0;
        _connection.RtpReceived += (packet, _) => received += packet.Length > 0 ? 1 : 0;
        var from = _connection.SelectedTuple!.Value;
        IWebRtcServerTransport transport = _connection;
        var plain = MakeRtp(0, 0x5151, 1000);
        var wire = new byte[plain.Length + 32];
        ushort sequence = 0;

        void ReceiveOne()
        {
            plain.CopyTo(wire, 0);
            BinaryPrimitives.WriteUInt16BigEndian(wire.AsSpan(2), sequence++);
            peer.Srtp.Send.ProtectRtp(wire, plain.Length, out var length);
            transport.OnPacket(wire.AsSpan(0, length), from, PacketKind.Rtp, arrivalTimestamp: 1);
        }

        var sent = 0;
        void SendOne() => sent += _connection.SendRtp(plain) ? 1 : 0;

        Assert.Equal(0, await _worker.InvokeAsync(() => Measure(ReceiveOne)));
        Assert.Equal(0, await _worker.InvokeAsync(() => Measure(SendOne)));
        Assert.Equal(2200, received);
        Assert.Equal(2200, sent);
    }

    private static long Measure(Action action) => AllocationMeter.LeastPerRound(action, warmUp: 200, perRound: 400);
}
