using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Parley.Media.Dtls;
using Parley.Media.Ice;
using Parley.Media.Srtp;
using Parley.Media.Stun;
using Parley.Media.Tests.Dtls;
using Parley.Media.Tests.Ice;
using Parley.Media.Tests.Net;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Transports;

/// <summary>
/// A browser stand-in made of our own pieces over a real UDP socket: it sends ICE checks as a controlling agent,
/// runs DTLS as client, and protects/unprotects with its own <see cref="SrtpSession"/>.
/// </summary>
internal sealed class LoopbackWebRtcPeer : IDisposable
{
    private readonly UdpClient? _socket;
    private readonly TcpClient? _tcp;
    private readonly Lock _tcpWriteLock = new();
    private readonly IPEndPoint _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiveLoop;
    private SrtpSession? _srtp;

    /// <param name="serverPort">The server's shared port.</param>
    /// <param name="overTcp">Speak ICE-TCP (RFC 6544, RFC 4571 framing) instead of UDP.</param>
    public LoopbackWebRtcPeer(int serverPort, bool overTcp = false)
    {
        _server = new IPEndPoint(IPAddress.Loopback, serverPort);
        if (overTcp)
        {
            _tcp = new TcpClient(AddressFamily.InterNetwork);
            _tcp.Connect(_server);
        }
        else
        {
            _socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        }

        Dtls = new DtlsTransport(TestCertificates.Client, datagram => SendRaw(datagram.ToArray()));
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

    /// <summary>Called on the receive loop with each decrypted packet and its <see cref="System.Diagnostics.Stopwatch"/> timestamp.</summary>
    public Action<byte[], long>? MediaReceived { get; set; }

    public SrtpSession Srtp => _srtp ??= SrtpSession.Create(Dtls.SrtpKeys ?? throw new InvalidOperationException("DTLS is not connected."));

    public void SendCheck(IceParameters server, bool useCandidate = true) =>
        SendRaw(StunChecks.BindingRequest($"{server.UsernameFragment}:peer", server.Password, useCandidate));

    public void SendRaw(byte[] datagram)
    {
        if (_socket is not null)
        {
            _socket.Send(datagram, _server);
            return;
        }

        var frame = new byte[datagram.Length + 2];
        frame[0] = (byte)(datagram.Length >> 8);
        frame[1] = (byte)datagram.Length;
        datagram.CopyTo(frame, 2);
        lock (_tcpWriteLock)
            _tcp!.GetStream().Write(frame);
    }

    /// <summary>Connects to <paramref name="transport"/> as a browser would: an ICE check selects our tuple, then DTLS as client.</summary>
    public async Task ConnectAsync(WebRtcTransport transport)
    {
        var tuple = new TaskCompletionSource();
        transport.IceSelectedTupleChanged += (_, t) => { if (t is not null) tuple.TrySetResult(); };
        SendCheck(transport.IceParameters);
        await tuple.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await transport.ConnectAsync(DtlsParameters);
        await ConnectDtlsAsync(transport.DtlsParameters);
        await WebRtcServerSocketTests.WaitUntil(() => transport.DtlsState == DtlsState.Connected);
    }

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

    private async Task<byte[]?> ReceiveOne()
    {
        try
        {
            if (_socket is not null)
                return (await _socket.ReceiveAsync(_stop.Token)).Buffer;

            var stream = _tcp!.GetStream();
            var header = new byte[2];
            await stream.ReadExactlyAsync(header, _stop.Token);
            var frame = new byte[(header[0] << 8) | header[1]];
            await stream.ReadExactlyAsync(frame, _stop.Token);
            return frame;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or IOException or EndOfStreamException)
        {
            return null;
        }
    }

    private async Task ReceiveLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            var datagram = await ReceiveOne();
            if (datagram is null)
                return;
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
                {
                    var plain = datagram[..length];
                    MediaReceived?.Invoke(plain, System.Diagnostics.Stopwatch.GetTimestamp());
                    Media.Enqueue(plain);
                }
                else
                    Interlocked.Increment(ref MediaFailures);
            }
        }
    }

    public void Dispose()
    {
        Dtls.Dispose();
        _stop.Cancel();
        _socket?.Dispose();
        _tcp?.Dispose();
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
