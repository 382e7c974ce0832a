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
/// <para>Threading: a transport owned by a <see cref="Worker"/> gets every call (packets, ticks, closed tuples) on
/// that worker's thread: the I/O loops only demultiplex and queue, without a lock. A transport without a worker (tests'
/// ICE-only transports) is called on the I/O loops, serialized under <see cref="WebRtcServerRegistration.Gate"/>.
/// Either way: handle the packet and return, do not block.</para>
/// </remarks>
internal interface IWebRtcServerTransport
{
    /// <summary>The local ICE ufrag when registering; later changes go through <see cref="WebRtcServerRegistration.ChangeUsernameFragment"/>.</summary>
    string LocalUsernameFragment { get; }

    /// <summary>The worker whose thread runs this transport, or null to be called on the I/O loops under the gate.</summary>
    Routing.Worker? Worker => null;

    /// <summary>A packet for this transport, already classified; the bytes are writable in place and valid only during the call.</summary>
    /// <param name="packet">The datagram or TCP frame.</param>
    /// <param name="from">The tuple it came on.</param>
    /// <param name="kind">What the demultiplexer took it for.</param>
    /// <param name="arrivalTimestamp">When it was read from the socket (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).</param>
    void OnPacket(Span<byte> packet, in TransportTuple from, PacketKind kind, long arrivalTimestamp);

    /// <summary>A TCP connection that carried this transport's packets closed; its tuple cannot be sent to anymore.</summary>
    void OnTupleClosed(in TransportTuple tuple);

    /// <summary>
    /// Called about once a second (<see cref="WebRtcServerOptions.TickInterval"/>) with the server's monotonic clock,
    /// the same one as <see cref="WebRtcServerRegistration.NowMilliseconds"/>: the place to expire ICE consent
    /// (<see cref="IceServerBinding.Tick"/>) and run other timers without one timer per transport.
    /// </summary>
    void OnTick(long nowMilliseconds);
}
