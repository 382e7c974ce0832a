using System.Runtime.CompilerServices;
using Parley.Media.Net;
using Parley.Media.Srtp;

namespace Parley.Media.Transports;

internal sealed partial class WebRtcConnection
{
    /// <summary>On the worker: protects one plain RTP packet and sends it to the selected tuple; false when it was dropped (counted).</summary>
    public bool SendRtp(ReadOnlySpan<byte> packet) => SendMedia(packet, isRtcp: false);

    /// <summary>On the worker: protects one plain (compound) RTCP packet and sends it to the selected tuple; false when it was dropped (counted).</summary>
    public bool SendRtcp(ReadOnlySpan<byte> packet) => SendMedia(packet, isRtcp: true);

    /// <summary>Protects into the worker's SRTP scratch buffer and sends from there: no lock, no buffer rented.</summary>
    private bool SendMedia(ReadOnlySpan<byte> packet, bool isRtcp)
    {
        if (Volatile.Read(ref _closed) != 0)
            return Drop(WebRtcDropReason.Closed);
        StrongBox<TransportTuple>? to = Volatile.Read(ref _sendTuple);
        if (to is null)
            return Drop(WebRtcDropReason.NoSelectedTuple);
        SrtpSession? session = Volatile.Read(ref _srtp);
        if (session is null)
            return Drop(WebRtcDropReason.BeforeSrtpKeys);

        // Over UDP the copy is protected straight into the worker's send batch, which the worker sends with the rest of
        // the fan-out (one sendmmsg); a refused datagram is counted there, per datagram, as SendFailed.
        UdpSendBatch? batch = _worker.SendBatch;
        UdpSocketListener? socket = batch is null ? null : _registration.UdpSocketFor(to.Value);
        Span<byte> buffer = socket is null ? _worker.SrtpScratch : batch!.Reserve(socket);
        if (packet.Length > buffer.Length)
            return Drop(WebRtcDropReason.InvalidOutgoing);
        packet.CopyTo(buffer);
        int protectedLength;
        SrtpResult result = isRtcp
            ? session.Send.ProtectRtcp(buffer, packet.Length, out protectedLength)
            : session.Send.ProtectRtp(buffer, packet.Length, out protectedLength);
        if (result != SrtpResult.Ok)
            return Drop(WebRtcDropReason.InvalidOutgoing);

        // Counted once, by the transport that asked for the send.
        return socket is null
            ? _registration.Send(buffer[..protectedLength], to.Value)
            : batch!.Commit(protectedLength, to.Value, Counters);
    }

    /// <summary>The DTLS transport's datagram sender, called on a handshake thread, the worker or a closing thread.</summary>
    private void SendDtls(ReadOnlySpan<byte> datagram)
    {
        StrongBox<TransportTuple>? to = Volatile.Read(ref _sendTuple);
        if (to is null)
        {
            Counters.OnDropped(WebRtcDropReason.NoSelectedTuple);
            return;
        }

        // Counted by the DTLS transport's own counters.
        _registration.Send(datagram, to.Value);
    }

    private bool Drop(WebRtcDropReason reason)
    {
        Counters.OnDropped(reason);
        return false;
    }
}
