namespace Parley.Media.Net;

/// <summary>
/// The seam between a <see cref="WebRtcServer"/> and a WebRTC transport (ICE + DTLS + SRTP) that shares its ports.
/// </summary>
/// <remarks>
/// <para>Life cycle: the transport calls <see cref="WebRtcServer.Register"/> with itself and gets a
/// <see cref="WebRtcServerRegistration"/>, its only handle on the sockets. Disposing the registration
/// unregisters it.</para>
/// <para>Routing: a STUN request reaches the transport whose <see cref="WebRtcServerRegistration.UsernameFragment"/>
/// is the part of USERNAME before the colon. Every other packet (DTLS, RTP, RTCP, STUN without USERNAME) reaches
/// it only from a tuple it bound with <see cref="WebRtcServerRegistration.BindTuple"/> — which it does when its
/// ICE agent validated the tuple (see <see cref="IceServerBinding"/>). A TCP connection belongs to the transport
/// its first STUN request named, and carries its other packets once that TCP tuple is bound the same way. The
/// transport should still check <c>IceLiteAgent.IsValidatedTuple</c> before accepting DTLS/RTP, as the agent's
/// view is the authoritative one.</para>
/// <para>Threading: calls for one registration are serialized under <see cref="WebRtcServerRegistration.Gate"/>;
/// the transport takes the same gate for its own timers so its state is touched by one thread at a time.
/// Calls come from the server's I/O loops: handle the packet and return, do not block.</para>
/// </remarks>
internal interface IWebRtcServerTransport
{
    /// <summary>The local ICE ufrag when registering; later changes go through <see cref="WebRtcServerRegistration.ChangeUsernameFragment"/>.</summary>
    string LocalUsernameFragment { get; }

    /// <summary>A packet for this transport, already classified; the bytes are valid only during the call.</summary>
    void OnPacket(ReadOnlySpan<byte> packet, in TransportTuple from, PacketKind kind);

    /// <summary>A TCP connection that carried this transport's packets closed; its tuple cannot be sent to anymore.</summary>
    void OnTupleClosed(in TransportTuple tuple);

    /// <summary>
    /// Called about once a second (<see cref="WebRtcServerOptions.TickInterval"/>) with the server's monotonic clock,
    /// the same one as <see cref="WebRtcServerRegistration.NowMilliseconds"/>: the place to expire ICE consent
    /// (<see cref="IceServerBinding.Tick"/>) and run other timers without one timer per transport.
    /// </summary>
    void OnTick(long nowMilliseconds);
}
