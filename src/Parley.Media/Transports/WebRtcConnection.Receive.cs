using Parley.Media.Net;
using Parley.Media.Srtp;

namespace Parley.Media.Transports;

public sealed partial class WebRtcConnection
{
    /// <summary>Large enough for any UDP datagram and RFC 4571 frame; unprotect needs the packet writable.</summary>
    private readonly byte[] _receiveBuffer = new byte[ushort.MaxValue];

    void IWebRtcServerTransport.OnPacket(ReadOnlySpan<byte> packet, in TransportTuple from, PacketKind kind)
    {
        if (kind == PacketKind.Stun)
        {
            _binding.ProcessStun(packet, from, _registration.NowMilliseconds);
            return;
        }

        if (!_agent.IsValidatedTuple(from))
        {
            Counters.CountDropped(WebRtcDropReason.UnvalidatedTuple);
            return;
        }

        Counters.CountReceived(packet.Length);
        switch (kind)
        {
            case PacketKind.Dtls:
                if (_dtlsStarted)
                    _dtls.Feed(packet);
                else
                    Counters.CountDropped(WebRtcDropReason.BeforeDtlsStarted);
                break;
            case PacketKind.Rtp:
            case PacketKind.Rtcp:
                ReceiveMedia(packet, kind == PacketKind.Rtcp);
                break;
        }
    }

    private void ReceiveMedia(ReadOnlySpan<byte> packet, bool isRtcp)
    {
        SrtpSession? session = Volatile.Read(ref _srtp);
        if (session is null)
        {
            Counters.CountDropped(WebRtcDropReason.BeforeSrtpKeys);
            return;
        }

        Span<byte> buffer = _receiveBuffer.AsSpan(0, packet.Length);
        packet.CopyTo(buffer);
        int plainLength;
        SrtpResult result = isRtcp
            ? session.Receive.UnprotectRtcp(buffer, buffer.Length, out plainLength)
            : session.Receive.UnprotectRtp(buffer, buffer.Length, out plainLength);
        switch (result)
        {
            case SrtpResult.Ok:
                break;
            case SrtpResult.ReplayedPacket or SrtpResult.TooOldPacket:
                Counters.CountDropped(WebRtcDropReason.SrtpReplay);
                return;
            case SrtpResult.Disposed:
                Counters.CountDropped(WebRtcDropReason.Closed);
                return;
            default:
                Counters.CountDropped(WebRtcDropReason.SrtpAuthenticationFailed);
                return;
        }

        if (isRtcp)
        {
            Counters.CountRtcpReceived();
            RtcpReceived?.Invoke(buffer.Slice(0, plainLength));
        }
        else
        {
            Counters.CountRtpReceived();
            RtpReceived?.Invoke(buffer.Slice(0, plainLength));
        }
    }
}
