namespace Parley.Media.Transports;

/// <summary>
/// Receives one decrypted RTP or RTCP packet. The span is the connection's receive buffer: valid, and
/// writable in place (e.g. to rewrite the header for forwarding), only during the call.
/// </summary>
public delegate void MediaPacketHandler(Span<byte> packet);
