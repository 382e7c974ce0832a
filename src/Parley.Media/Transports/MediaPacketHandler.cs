namespace Parley.Media.Transports;

/// <summary>
/// Receives one decrypted RTP or RTCP packet. The span is the worker's buffer the datagram arrived in: valid, and
/// writable in place (e.g. to rewrite the header for forwarding), only during the call.
/// </summary>
/// <param name="packet">The plain packet.</param>
/// <param name="arrivalTimestamp">When its datagram was read from the socket (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).</param>
internal delegate void MediaPacketHandler(Span<byte> packet, long arrivalTimestamp);
