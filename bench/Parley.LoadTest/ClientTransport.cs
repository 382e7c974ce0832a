using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Parley.Media.Dtls;
using Parley.Media.Srtp;
using Parley.Media.Stun;

namespace Parley.LoadTest;

/// <summary>
/// One browser-side WebRTC transport over its own UDP socket: ICE as the controlling agent (binding requests with
/// USE-CANDIDATE and MESSAGE-INTEGRITY, then consent checks), DTLS as client, SRTP both ways with Parley.Media's
/// own pieces. Decrypted packets go to <see cref="RtpReceived"/> and <see cref="RtcpReceived"/> on the receive task.
/// </summary>
internal sealed class ClientTransport : IDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    private readonly Socket _socket;
    private readonly DtlsTransport _dtls;
    private readonly string _localUfrag = Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
    private readonly ulong _tieBreaker = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
    private readonly Lock _sendLock = new();
    private readonly byte[] _sendBuffer = new byte[1600];
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _iceConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _dtlsConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _receiveLoop;
    private string? _stunUsername;
    private byte[]? _stunKey;
    private SrtpSession? _srtp;

    public ClientTransport(DtlsCertificate certificate, IPEndPoint server)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _socket.Connect(server);
        _socket.ReceiveBufferSize = 1 << 20;
        _dtls = new DtlsTransport(certificate, datagram => Send(datagram));
        _dtls.StateChanged += (_, e) =>
        {
            if (e.State == DtlsState.Connected)
                _dtlsConnected.TrySetResult();
            else if (e.State is DtlsState.Failed or DtlsState.Closed)
                _dtlsConnected.TrySetException(new IOException($"DTLS {e.State}: {e.Reason}"));
        };
    }

    /// <summary>Called with each decrypted RTP packet (the span is only valid during the call).</summary>
    public SpanHandler? RtpReceived { get; set; }

    /// <summary>Called with each decrypted compound RTCP packet.</summary>
    public SpanHandler? RtcpReceived { get; set; }

    /// <summary>
    /// Received SRTP/SRTCP packets that did not unprotect, by <see cref="SrtpResult"/>: a wrong index guess or key shows
    /// as <see cref="SrtpResult.AuthenticationFailed"/>, a packet sent twice as <see cref="SrtpResult.ReplayedPacket"/>, one
    /// that arrived too late for the replay window as <see cref="SrtpResult.TooOldPacket"/>.
    /// </summary>
    public readonly long[] SrtpFailures = new long[Enum.GetValues<SrtpResult>().Length];

    /// <summary>ICE then DTLS-SRTP to the server's candidate; completes when SRTP keys are there.</summary>
    public async Task ConnectAsync(string serverUfrag, string serverPassword, IReadOnlyList<DtlsFingerprint> serverFingerprints)
    {
        _stunUsername = $"{serverUfrag}:{_localUfrag}";
        _stunKey = Encoding.UTF8.GetBytes(serverPassword);
        _receiveLoop = Task.Run(ReceiveLoopAsync);
        using var timeout = new CancellationTokenSource(ConnectTimeout);
        while (!_iceConnected.Task.IsCompleted)
        {
            SendBindingRequest(useCandidate: true);
            await Task.WhenAny(_iceConnected.Task, Task.Delay(100, timeout.Token));
        }

        _dtls.Start(DtlsRole.Client, serverFingerprints);
        await _dtlsConnected.Task.WaitAsync(timeout.Token);
        _srtp = SrtpSession.Create(_dtls.SrtpKeys ?? throw new IOException("DTLS connected without SRTP keys"));
    }

    /// <summary>A consent-freshness check (RFC 7675); the server drops a transport that stops sending them.</summary>
    public void SendConsentCheck() => SendBindingRequest(useCandidate: true);

    /// <summary>Protects and sends one plain RTP packet; false before DTLS is up.</summary>
    public bool SendRtp(ReadOnlySpan<byte> plain) => Protect(plain, rtcp: false);

    public bool SendRtcp(ReadOnlySpan<byte> plain) => Protect(plain, rtcp: true);

    private bool Protect(ReadOnlySpan<byte> plain, bool rtcp)
    {
        var srtp = _srtp;
        if (srtp is null || plain.Length > _sendBuffer.Length - 64)
            return false;
        lock (_sendLock)
        {
            plain.CopyTo(_sendBuffer);
            var result = rtcp
                ? srtp.Send.ProtectRtcp(_sendBuffer, plain.Length, out var length)
                : srtp.Send.ProtectRtp(_sendBuffer, plain.Length, out length);
            return result == SrtpResult.Ok && Send(_sendBuffer.AsSpan(0, length));
        }
    }

    private bool Send(ReadOnlySpan<byte> datagram)
    {
        try
        {
            _socket.Send(datagram);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private void SendBindingRequest(bool useCandidate)
    {
        Span<byte> buffer = stackalloc byte[256];
        Span<byte> transaction = stackalloc byte[12];
        RandomNumberGenerator.Fill(transaction);
        var writer = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, transaction);
        writer.TryAddUsername(Encoding.UTF8.GetBytes(_stunUsername!));
        writer.TryAddPriority(0x6E0001FF);
        writer.TryAddIceRole(StunIceRole.Controlling, _tieBreaker);
        if (useCandidate)
            writer.TryAddUseCandidate();
        writer.TryAddMessageIntegrity(_stunKey);
        writer.TryAddFingerprint();
        if (!writer.Failed)
            Send(writer.Written);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[2048];
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // ICMP port unreachable from a server that went away; the run's bounds end us.
            }

            if (length == 0)
                continue;
            var first = buffer[0];
            if (first < 4)
            {
                // Binding success response (type 0x0101): the server accepted our nominated pair.
                if (length >= 20 && buffer[0] == 0x01 && buffer[1] == 0x01)
                    _iceConnected.TrySetResult();
            }
            else if (first is >= 20 and <= 63)
            {
                _dtls.Feed(buffer.AsSpan(0, length));
            }
            else if (first is >= 128 and <= 191 && _srtp is { } srtp)
            {
                var isRtcp = length > 1 && buffer[1] is >= 192 and <= 223;
                var result = isRtcp
                    ? srtp.Receive.UnprotectRtcp(buffer, length, out var plain)
                    : srtp.Receive.UnprotectRtp(buffer, length, out plain);
                if (result != SrtpResult.Ok)
                {
                    Interlocked.Increment(ref SrtpFailures[(int)result]);
                    continue;
                }

                if (isRtcp)
                    RtcpReceived?.Invoke(buffer.AsSpan(0, plain));
                else
                    RtpReceived?.Invoke(buffer.AsSpan(0, plain));
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _dtls.Dispose();
        _socket.Dispose();
        try
        {
            _receiveLoop?.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }

        _srtp?.Dispose();
    }
}

/// <summary>A callback over bytes valid only during the call.</summary>
internal delegate void SpanHandler(Span<byte> packet);
