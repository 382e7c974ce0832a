using Parley.Media.Net;
using Parley.Media.Srtp;

namespace Parley.Media.Transports;

internal sealed partial class WebRtcConnection
{
    /// <summary>For tests: raised on the thread that just unprotected an RTP packet, before <see cref="RtpReceived"/>.</summary>
    internal event Action? RtpUnprotected;

    /// <summary>On the worker: the datagram is in one of the worker's buffers, decrypted there in place.</summary>
    void IWebRtcServerTransport.OnPacket(Span<byte> packet, in TransportTuple from, PacketKind kind, long arrivalTimestamp)
    {
        if (kind == PacketKind.Stun)
        {
            _binding.ProcessStun(packet, from, _registration.NowMilliseconds);
            return;
        }

        if (!_agent.IsValidatedTuple(from))
        {
            Counters.OnDropped(WebRtcDropReason.UnvalidatedTuple);
            return;
        }

        Counters.OnDatagramReceived(packet.Length);
        switch (kind)
        {
            case PacketKind.Dtls:
                if (_dtlsStarted)
                    _dtls.Feed(packet);
                else
                    Counters.OnDropped(WebRtcDropReason.BeforeDtlsStarted);
                break;
            case PacketKind.Rtp:
            case PacketKind.Rtcp:
                ReceiveMedia(packet, kind == PacketKind.Rtcp, arrivalTimestamp);
                break;
        }
    }

    private void ReceiveMedia(Span<byte> packet, bool isRtcp, long arrivalTimestamp)
    {
        SrtpSession? session = Volatile.Read(ref _srtp);
        if (session is null)
        {
            Counters.OnDropped(WebRtcDropReason.BeforeSrtpKeys);
            return;
        }

        int plainLength;
        SrtpResult result = isRtcp
            ? session.Receive.UnprotectRtcp(packet, packet.Length, out plainLength)
            : session.Receive.UnprotectRtp(packet, packet.Length, out plainLength);
        switch (result)
        {
            case SrtpResult.Ok:
                break;
            case SrtpResult.ReplayedPacket or SrtpResult.TooOldPacket:
                Counters.OnDropped(WebRtcDropReason.SrtpReplay);
                return;
            case SrtpResult.Disposed:
                Counters.OnDropped(WebRtcDropReason.Closed);
                return;
            default:
                Counters.OnDropped(WebRtcDropReason.SrtpAuthenticationFailed);
                return;
        }

        if (isRtcp)
        {
            RtcpReceived?.Invoke(packet[..plainLength], arrivalTimestamp);
        }
        else
        {
            RtpUnprotected?.Invoke();
            RtpReceived?.Invoke(packet[..plainLength], arrivalTimestamp);
        }
    }
}
