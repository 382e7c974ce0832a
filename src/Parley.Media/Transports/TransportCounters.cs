namespace Parley.Media.Transports;

/// <summary>
/// Per-transport traffic and drop counters. Written only on the worker thread; read from others for stats, where a
/// torn 64-bit read is harmless on the 64-bit platforms we run on.
/// </summary>
internal sealed class TransportCounters
{
    private readonly long[] _dropped = new long[Enum.GetValues<RtpDropReason>().Length];

    public long PacketsReceived;
    public long BytesReceived;
    public long PacketsSent;
    public long BytesSent;
    public long RtpPacketsReceived;
    public long RtcpPacketsReceived;

    /// <summary>Generic NACK packets received (for consumers of this transport).</summary>
    public long NacksReceived;

    /// <summary>PLIs sent to the remote producer.</summary>
    public long KeyFrameRequestsSent;

    public void OnDropped(RtpDropReason reason) => _dropped[(int)reason]++;

    public long Dropped(RtpDropReason reason) => Volatile.Read(ref _dropped[(int)reason]);

    public IReadOnlyDictionary<RtpDropReason, long> DroppedByReason()
    {
        var result = new Dictionary<RtpDropReason, long>();
        foreach (var reason in Enum.GetValues<RtpDropReason>())
        {
            var count = Dropped(reason);
            if (count != 0)
            {
                result[reason] = count;
            }
        }

        return result;
    }
}
