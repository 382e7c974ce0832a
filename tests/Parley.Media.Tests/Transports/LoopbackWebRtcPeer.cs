using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Parley.Media.Dtls;
using Parley.Media.Ice;
using Parley.Media.Srtp;
using Parley.Media.Stun;
using Parley.Media.Tests.Dtls;
using Parley.Media.Tests.Ice;

namespace Parley.Media.Tests.Transports;

/// <summary>
/// A browser stand-in made of our own pieces over a real UDP socket: it sends ICE checks as a controlling agent,
/// runs DTLS as client, and protects/unprotects with its own <see cref="SrtpSession"/>.
/// </summary>
internal sealed class LoopbackWebRtcPeer : IDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly IPEndPoint _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiveLoop;
    private SrtpSession? _srtp;

    public LoopbackWebRtcPeer(int serverPort)
    {
        _server = new IPEndPoint(IPAddress.Loopback, serverPort);
        Dtls = new DtlsTransport(TestCertificates.Client, datagram => _socket.Send(datagram, _server));
        DtlsStates = StateRecorder.Attach(Dtls);
        _receiveLoop = Task.Run(ReceiveLoop);
    }

    public DtlsTransport Dtls { get; }

    public StateRecorder DtlsStates { get; }

    public DtlsParameters DtlsParameters => TestCertificates.Client.ToParameters(DtlsRole.Client);

    public ConcurrentQueue<byte[]> StunResponses { get; } = new();

    /// <summary>Decrypted RTP and RTCP the server sent us.</summary>
    public ConcurrentQueue<byte[]> Media { get; } = new();

    public int MediaFailures;

    public SrtpSession Srtp => _srtp ??= SrtpSession.Create(Dtls.SrtpKeys ?? throw new InvalidOperationException("DTLS is not connected."));

    public void SendCheck(IceParameters server, bool useCandidate = true) =>
        SendRaw(StunChecks.BindingRequest($"{server.UsernameFragment}:peer", server.Password, useCandidate));

    public void SendRaw(byte[] datagram) => _socket.Send(datagram, _server);

    public async Task ConnectDtlsAsync(DtlsParameters server)
    {
        Dtls.Start(DtlsRole.Client, server.Fingerprints);
        await DtlsStates.WaitForAsync(DtlsState.Connected);
    }

    /// <summary>Protects <paramref name="plain"/> with our send context and sends it; returns the wire bytes.</summary>
    public byte[] SendProtected(byte[] plain, bool isRtcp)
    {
        var buffer = new byte[plain.Length + 32];
        plain.CopyTo(buffer, 0);
        var result = isRtcp
            ? Srtp.Send.ProtectRtcp(buffer, plain.Length, out var length)
            : Srtp.Send.ProtectRtp(buffer, plain.Length, out length);
        Assert.Equal(SrtpResult.Ok, result);
        var wire = buffer[..length];
        SendRaw(wire);
        return wire;
    }

    private async Task ReceiveLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult received;
            try
            {
                received = await _socket.ReceiveAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var datagram = received.Buffer;
            if (datagram.Length == 0)
                continue;
            if (datagram[0] < 4)
            {
                StunResponses.Enqueue(datagram);
            }
            else if (datagram[0] is >= 20 and <= 63)
            {
                Dtls.Feed(datagram);
            }
            else if (datagram[0] is >= 128 and <= 191)
            {
                var isRtcp = datagram.Length > 1 && datagram[1] is >= 192 and <= 223;
                var result = isRtcp
                    ? Srtp.Receive.UnprotectRtcp(datagram, datagram.Length, out var length)
                    : Srtp.Receive.UnprotectRtp(datagram, datagram.Length, out length);
                if (result == SrtpResult.Ok)
                    Media.Enqueue(datagram[..length]);
                else
                    Interlocked.Increment(ref MediaFailures);
            }
        }
    }

    public void Dispose()
    {
        Dtls.Dispose();
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            _receiveLoop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the socket.
        }

        _srtp?.Dispose();
    }
}
