using System.Buffers;
using System.Runtime.CompilerServices;
using Parley.Media.Net;
using Parley.Media.Srtp;

namespace Parley.Media.Transports;

public sealed partial class WebRtcConnection
{
    /// <summary>Protects one plain RTP packet and sends it to the selected tuple; false when it was dropped (counted).</summary>
    public bool SendRtp(ReadOnlySpan<byte> packet) => SendMedia(packet, isRtcp: false);

    /// <summary>Protects one plain (compound) RTCP packet and sends it to the selected tuple; false when it was dropped (counted).</summary>
    public bool SendRtcp(ReadOnlySpan<byte> packet) => SendMedia(packet, isRtcp: true);

    private bool SendMedia(ReadOnlySpan<byte> packet, bool isRtcp)
    {
        if (Volatile.Read(ref _closed) != 0)
            return Drop(WebRtcDropReason.Closed);
        StrongBox<TransportTuple>? to = Volatile.Read(ref _sendTuple);
        if (to is null)
            return Drop(WebRtcDropReason.NoSelectedTuple);

        byte[] buffer = ArrayPool<byte>.Shared.Rent(packet.Length + 32);
        try
        {
            SrtpResult result;
            int protectedLength;
            lock (_sendLock)
            {
                SrtpSession? session = _srtp;
                if (session is null)
                    return Drop(WebRtcDropReason.BeforeSrtpKeys);
                packet.CopyTo(buffer);
                result = isRtcp
                    ? session.Send.ProtectRtcp(buffer, packet.Length, out protectedLength)
                    : session.Send.ProtectRtp(buffer, packet.Length, out protectedLength);
            }

            if (result != SrtpResult.Ok)
                return Drop(WebRtcDropReason.InvalidOutgoing);
            if (!_registration.Send(buffer.AsSpan(0, protectedLength), to.Value))
                return false;

            Counters.CountSent(protectedLength);
            if (isRtcp)
                Counters.CountRtcpSent();
            else
                Counters.CountRtpSent();
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The DTLS transport's datagram sender, called on a handshake thread, the I/O loop or a closing thread.</summary>
    private void SendDtls(ReadOnlySpan<byte> datagram)
    {
        StrongBox<TransportTuple>? to = Volatile.Read(ref _sendTuple);
        if (to is null)
        {
            Counters.CountDropped(WebRtcDropReason.NoSelectedTuple);
            return;
        }

        if (_registration.Send(datagram, to.Value))
            Counters.CountSent(datagram.Length);
    }

    private bool Drop(WebRtcDropReason reason)
    {
        Counters.CountDropped(reason);
        return false;
    }
}
