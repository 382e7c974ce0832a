using System.Buffers.Binary;
using Parley.Media.Bwe;

namespace Parley.Media.Pacing;

/// <summary>Where a <see cref="PacedSender"/>'s packets go when the pacer lets them: the transport's wire.</summary>
internal interface IPacedPacketSink
{
    /// <summary>
    /// Sends one packet now (the transport stamps its transport-wide sequence number, records the send time, protects
    /// and sends it): what leaves here leaves the machine.
    /// </summary>
    void SendNow(ReadOnlySpan<byte> packet, PacketPriority priority, int probeClusterId);

    /// <summary>Makes and sends one probe packet of about <paramref name="size"/> bytes for a cluster; its size, 0 when none can be made.</summary>
    int SendProbe(int size, int probeClusterId);

    /// <summary>A packet was dropped instead of queued or sent.</summary>
    void OnDropped(PacerDropReason reason);
}

/// <summary>Why a paced packet never left.</summary>
internal enum PacerDropReason
{
    /// <summary>Every slot of the queue's store was taken.</summary>
    QueueFull,

    /// <summary>It waited past the queue-time limit (late media is worthless).</summary>
    Expired,

    /// <summary>Its stream switched at a keyframe while it waited: the receiver decodes from the keyframe, not from it.</summary>
    Superseded,
}

/// <summary>
/// A transport's <see cref="Pacer"/> on the send path: audio leaves at once (its bytes counted), retransmissions and
/// video leave at once while the budget allows and nothing of their class waits, otherwise they are copied into a
/// bounded <see cref="PacedPacketStore"/> and leave from <see cref="Drain"/>, which the transport calls from a worker
/// alarm armed at the returned time. The pacing rate is <see cref="PacingFactor"/> × the transport's target; without a
/// target (no estimate runs) packets go straight through, as if there were no pacer. Probe clusters run through the
/// pacer: queued media is tagged first, then the sink makes probe packets. Worker thread only; nothing allocated per
/// packet (the store is allocated once, when a packet first has to wait).
/// </summary>
internal sealed class PacedSender(IPacedPacketSink sink, PacerOptions options, int storeCapacity, int slotSize)
{
    /// <summary>The pacing rate over the target, as libwebrtc's: bursts leave fast but never at line rate.</summary>
    public const double PacingFactor = 2.5;

    private readonly Pacer _pacer = new(options with { QueueCapacity = storeCapacity }, 1);
    private PacedPacketStore? _store;
    private long _targetBitrate;

    /// <summary>True while packets go through the pacer: a target is set, or packets still wait from when one was.</summary>
    public bool IsPacing => _targetBitrate > 0 || _pacer.QueuedPackets > 0;

    /// <summary>The pacer's base rate (before a probe or the queue-time limit raises it), 0 without a target.</summary>
    public long PacingBitrate => _targetBitrate > 0 ? (long)(_targetBitrate * PacingFactor) : 0;

    public int QueuedPackets => _pacer.QueuedPackets;

    public long QueuedBytes => _pacer.QueuedBytes;

    /// <summary>How long the oldest waiting packet has waited, microseconds (0 when none waits).</summary>
    public long QueueTime(long nowMicroseconds) => _pacer.OldestQueueTime(nowMicroseconds);

    public bool Probing => _pacer.Probing;

    /// <summary>Packets that had to wait (copied into the store).</summary>
    public long Queued { get; private set; }

    /// <summary>Packets dropped because the store was full.</summary>
    public long DroppedQueueFull { get; private set; }

    /// <summary>Packets dropped after waiting past the queue-time limit.</summary>
    public long DroppedExpired { get; private set; }

    /// <summary>Packets dropped unsent because their stream switched at a keyframe (<see cref="DiscardQueued"/>).</summary>
    public long DroppedSuperseded { get; private set; }

    /// <summary>Probe packets sent.</summary>
    public long ProbePackets { get; private set; }

    /// <summary>Slots of the store in use (0 before it is allocated).</summary>
    public int StoredPackets => _store?.Count ?? 0;

    /// <summary>The transport's target, bits per second; null when no estimate runs (packets then go straight through).</summary>
    public void SetTargetBitrate(long? bitsPerSecond)
    {
        var target = bitsPerSecond is > 0 ? bitsPerSecond.Value : 0;
        if (target == _targetBitrate)
        {
            return;
        }

        _targetBitrate = target;
        if (target > 0)
        {
            _pacer.SetPacingBitrate((long)(target * PacingFactor));
        }
    }

    /// <summary>
    /// Sends <paramref name="packet"/> now, or queues a copy; false when it has to wait (arm the alarm for
    /// <see cref="NextSendTime"/>) or was dropped.
    /// </summary>
    public bool Send(ReadOnlySpan<byte> packet, PacketPriority priority, long nowMicroseconds)
    {
        if (!IsPacing)
        {
            sink.SendNow(packet, priority, ProbeCluster.None);
            return true;
        }

        if (_pacer.TryPassThrough(priority, packet.Length, nowMicroseconds, out var probeClusterId))
        {
            sink.SendNow(packet, priority, probeClusterId);
            return true;
        }

        _store ??= new PacedPacketStore(storeCapacity, slotSize);
        if (!_store.TryAdd(packet, out var slot))
        {
            DroppedQueueFull++;
            sink.OnDropped(PacerDropReason.QueueFull);
            return false;
        }

        if (!_pacer.TryEnqueue(priority, slot, packet.Length, nowMicroseconds))
        {
            // The pacer's classes hold as many as the store: unreachable, but a slot must never leak.
            _store.Release(slot);
            DroppedQueueFull++;
            sink.OnDropped(PacerDropReason.QueueFull);
            return false;
        }

        Queued++;
        return false;
    }

    /// <summary>
    /// Drops what waits of one outgoing stream (media <paramref name="ssrc"/> and its retransmissions as
    /// <paramref name="rtxSsrc"/>): it switched to another source at a keyframe, which the receiver decodes from, so what
    /// was queued before it only delays it — at a link that just narrowed, by as long as the queue-time limit. Returns
    /// how many were dropped. Nothing allocated.
    /// </summary>
    public int DiscardQueued(uint ssrc, uint rtxSsrc)
    {
        if (_store is null || _pacer.QueuedPackets == 0)
        {
            return 0;
        }

        var picker = new StreamPicker(_store, ssrc, rtxSsrc);
        var discarded = _pacer.Discard(ref picker);
        DroppedSuperseded += discarded;
        for (var i = 0; i < discarded; i++)
        {
            sink.OnDropped(PacerDropReason.Superseded);
        }

        return discarded;
    }

    /// <summary>Starts a probe cluster: the pacer's rate rises to the cluster's until its packets and bytes are out.</summary>
    public void StartProbe(in ProbeCluster cluster, long nowMicroseconds) => _pacer.StartProbe(cluster, nowMicroseconds);

    /// <summary>
    /// Drops what waited too long, then sends everything due at <paramref name="nowMicroseconds"/>; returns when the
    /// next send is due (<see cref="long.MaxValue"/>: nothing waits).
    /// </summary>
    public long Drain(long nowMicroseconds)
    {
        while (_pacer.TryDropExpired(nowMicroseconds, out var expired))
        {
            _store!.Release((int)expired);
            DroppedExpired++;
            sink.OnDropped(PacerDropReason.Expired);
        }

        while (_pacer.TryGetNext(nowMicroseconds, out var decision))
        {
            if (decision.IsPadding)
            {
                var sent = sink.SendProbe(decision.Size, decision.ProbeClusterId);
                _pacer.OnPaddingSent(sent);
                ProbePackets += sent > 0 ? 1 : 0;
                continue;
            }

            var slot = (int)decision.PacketId;
            sink.SendNow(_store!.Get(slot), decision.Priority, decision.ProbeClusterId);
            _store.Release(slot);
        }

        return NextSendTime(nowMicroseconds);
    }

    /// <summary>When <see cref="Drain"/> next has something to do; <see cref="long.MaxValue"/> when nothing waits.</summary>
    public long NextSendTime(long nowMicroseconds) => _pacer.NextSendTime(nowMicroseconds);

    /// <summary>Picks the stored packets of one SSRC or its RTX SSRC, releasing their slots.</summary>
    private readonly struct StreamPicker(PacedPacketStore store, uint ssrc, uint rtxSsrc) : IQueuedPacketPicker
    {
        public bool Picks(long packetId)
        {
            var slot = (int)packetId;
            var packet = store.Get(slot);
            var packetSsrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
            if (packetSsrc != ssrc && packetSsrc != rtxSsrc)
            {
                return false;
            }

            store.Release(slot);
            return true;
        }
    }
}
