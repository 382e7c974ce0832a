using System.Net;

namespace Parley.NetRelay;

/// <summary>One direction of one client's flow through the relay, counted since the flow opened.</summary>
/// <param name="OfferedPackets">Packets that arrived at the relay for this direction.</param>
/// <param name="OfferedBytes">Their bytes: what the sender put on the link.</param>
/// <param name="ForwardedPackets">Packets sent on.</param>
/// <param name="ForwardedBytes">Their bytes: what got through the link.</param>
/// <param name="DroppedPackets">Packets dropped (queue full or random loss).</param>
public readonly record struct RelayLaneCounters(long OfferedPackets, long OfferedBytes, long ForwardedPackets, long ForwardedBytes, long DroppedPackets);

/// <summary>One client's flow through the relay.</summary>
/// <param name="Client">The client's address (where answers go).</param>
/// <param name="TargetSide">The relay's socket for this client: the address the target sees.</param>
/// <param name="Upstream">Client to target.</param>
/// <param name="Downstream">Target to client.</param>
public sealed record RelayFlowStats(IPEndPoint Client, IPEndPoint TargetSide, RelayLaneCounters Upstream, RelayLaneCounters Downstream);
