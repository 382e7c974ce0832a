using Parley.Media.Bwe;
using Parley.Media.Pacing;

namespace Parley.Media.Tests.Pacing;

/// <summary>The pacer on a send path, driven by explicit time: what leaves when, what waits, what is dropped.</summary>
public class PacedSenderTests
{
    private const int Capacity = 64;

    [Fact]
    public void A_keyframe_burst_leaves_spread_at_the_pacing_rate_and_audio_is_not_queued_behind_it()
    {
        var sink = new RecordingSink();
        var sender = new PacedSender(sink, PacerOptions.Default, Capacity, 1500);
        sender.SetTargetBitrate(1_000_000);
        long now = 1_000_000;
        sink.Now = now;
        for (var i = 0; i < 40; i++)
        {
            sender.Send(Packet(i, 1100), PacketPriority.Video, now);
        }

        sender.Send(Packet(100, 100), PacketPriority.Audio, now);
        Assert.Equal(100, sink.Sent.Last().Id);
        Assert.True(sender.QueuedPackets > 30, $"{sender.QueuedPackets} queued");

        // The worker's alarm: 1 ms resolution.
        while (sender.QueuedPackets > 0 && now < 3_000_000)
        {
            sink.Now = now;
            var next = sender.Drain(now);
            now = next == long.MaxValue ? now + 1_000 : Math.Max(now + 1_000, ((next + 999) / 1_000) * 1_000);
        }

        var video = sink.Sent.Where(s => s.Id < 100).ToList();
        Assert.Equal(Enumerable.Range(0, 40), video.Select(s => s.Id));
        // 40 × 1,100 B at 2.5 × 1 Mbit/s is 141 ms; the first ones go at once on the burst allowance (10 ms).
        var spread = video[^1].Time - video[0].Time;
        Assert.InRange(spread, 120_000, 150_000);
        Assert.Equal(0, sender.DroppedExpired + sender.DroppedQueueFull);
        Assert.Equal(0, sender.StoredPackets);
    }

    [Fact]
    public void Without_a_target_everything_goes_straight_through()
    {
        var sink = new RecordingSink();
        var sender = new PacedSender(sink, PacerOptions.Default, Capacity, 1500);
        for (var i = 0; i < 40; i++)
        {
            Assert.True(sender.Send(Packet(i, 1100), PacketPriority.Video, 0));
        }

        Assert.Equal(40, sink.Sent.Count);
        Assert.False(sender.IsPacing);
        Assert.Equal(0, sender.Queued);
    }

    [Fact]
    public void Retransmissions_leave_before_queued_video()
    {
        var sink = new RecordingSink();
        var sender = new PacedSender(sink, PacerOptions.Default, Capacity, 1500);
        sender.SetTargetBitrate(400_000);
        for (var i = 0; i < 10; i++)
        {
            sender.Send(Packet(i, 1100), PacketPriority.Video, 0);
        }

        sender.Send(Packet(50, 1100), PacketPriority.Retransmission, 0);
        var first = sink.Sent.Count;
        for (long now = 1_000; sender.QueuedPackets > 0 && now < 1_000_000; now += 1_000)
        {
            sender.Drain(now);
        }

        Assert.Equal(50, sink.Sent[first].Id);
        Assert.Equal(PacketPriority.Retransmission, sink.Sent[first].Priority);
    }

    [Fact]
    public void A_backlog_older_than_the_queue_time_limit_is_dropped_and_counted()
    {
        var sink = new RecordingSink();
        var sender = new PacedSender(sink, PacerOptions.Default, Capacity, 1500);
        sender.SetTargetBitrate(100_000);
        for (var i = 0; i < 40; i++)
        {
            sender.Send(Packet(i, 1100), PacketPriority.Video, 0);
        }

        var sentAtOnce = sink.Sent.Count;
        var waiting = sender.QueuedPackets;
        Assert.Equal(40, sentAtOnce + waiting);

        // The worker was held up: the first drain comes after the limit.
        sender.Drain(PacerOptions.Default.MaxQueueTimeMicroseconds + 100_000);

        Assert.Equal(waiting, sender.DroppedExpired);
        Assert.Equal(waiting, sink.Dropped.Count(r => r == PacerDropReason.Expired));
        Assert.Equal(sentAtOnce, sink.Sent.Count);
        Assert.Equal(0, sender.QueuedPackets);
        Assert.Equal(0, sender.StoredPackets);
    }

    [Fact]
    public void A_full_store_drops_and_counts_and_never_grows()
    {
        var sink = new RecordingSink();
        var sender = new PacedSender(sink, PacerOptions.Default, Capacity, 1500);
        sender.SetTargetBitrate(100_000);
        for (var i = 0; i < 1_000; i++)
        {
            sender.Send(Packet(i, 1100), PacketPriority.Video, i);
        }

        Assert.Equal(Capacity, sender.StoredPackets);
        Assert.Equal(Capacity, sender.QueuedPackets);
        Assert.Equal(1_000 - Capacity - sink.Sent.Count, sender.DroppedQueueFull);
        Assert.Equal(sender.DroppedQueueFull, sink.Dropped.Count(r => r == PacerDropReason.QueueFull));

        // What was queued still leaves, in order, and frees the store.
        for (long now = 1_000; sender.QueuedPackets > 0 && now < 2_000_000; now += 1_000)
        {
            sender.Drain(now);
        }

        Assert.Equal(0, sender.StoredPackets);
        Assert.Equal(sink.Sent.Select(s => s.Id).Order(), sink.Sent.Select(s => s.Id));
    }

    [Fact]
    public void A_probe_tags_queued_media_then_asks_the_sink_for_probe_packets_until_the_cluster_is_out()
    {
        var sink = new RecordingSink { ProbeSize = 1100 };
        var sender = new PacedSender(sink, PacerOptions.Default, Capacity, 1500);
        sender.SetTargetBitrate(300_000);
        sender.Send(Packet(0, 1100), PacketPriority.Video, 0);
        sender.Send(Packet(1, 1100), PacketPriority.Video, 0);
        var cluster = ProbeCluster.For(7, 2_400_000);
        sender.StartProbe(cluster, 0);

        for (long now = 1_000; sender.Probing && now < 1_000_000; now += 1_000)
        {
            sink.Now = now;
            sender.Drain(now);
        }

        Assert.False(sender.Probing);
        Assert.Equal(7, sink.Sent.Single(s => s.Id == 1).ProbeClusterId);
        Assert.True(sink.Probes.Count + 1 >= cluster.MinPackets);
        Assert.All(sink.Probes, p => Assert.Equal(7, p.ProbeClusterId));
        Assert.True((sink.Probes.Count + 1) * 1100 >= cluster.MinBytes);
        var rate = (sink.Probes.Count - 1) * 1100 * 8_000_000.0 / (sink.Probes[^1].Time - sink.Probes[0].Time);
        Assert.InRange(rate, 1_800_000, 3_200_000);
    }

    [Fact]
    public void A_probe_no_packet_can_be_made_for_is_abandoned()
    {
        var sink = new RecordingSink { ProbeSize = 0 };
        var sender = new PacedSender(sink, PacerOptions.Default, Capacity, 1500);
        sender.SetTargetBitrate(300_000);
        sender.StartProbe(ProbeCluster.For(3, 1_000_000), 0);

        Assert.Equal(long.MaxValue, sender.Drain(0));
        Assert.False(sender.Probing);
        Assert.Equal(1, sink.ProbeRequests);
    }

    [Fact]
    public void A_switched_stream_drops_what_it_has_queued_and_the_other_streams_keep_theirs_in_order()
    {
        // Stream A: media SSRC 1, RTX 2; stream B: media 3, RTX 4. A 100 kbit/s target keeps almost everything queued.
        var sink = new RecordingSink();
        var sender = new PacedSender(sink, PacerOptions.Default, Capacity, 1500);
        sender.SetTargetBitrate(100_000);
        for (var i = 0; i < 20; i++)
        {
            sender.Send(Packet(i, 1100, ssrc: i % 2 == 0 ? 1u : 3u), PacketPriority.Video, 0);
        }

        sender.Send(Packet(50, 1100, ssrc: 2), PacketPriority.Retransmission, 0);
        sender.Send(Packet(51, 1100, ssrc: 4), PacketPriority.Retransmission, 0);
        var sentBefore = sink.Sent.Count;
        var queuedOfA = Enumerable.Range(0, 20).Where(i => i % 2 == 0).Append(50).Count(id => sink.Sent.All(s => s.Id != id));
        Assert.True(queuedOfA > 5, $"{queuedOfA} of stream A queued");

        Assert.Equal(queuedOfA, sender.DiscardQueued(1, 2));
        Assert.Equal(queuedOfA, sender.DroppedSuperseded);
        Assert.Equal(queuedOfA, sink.Dropped.Count(r => r == PacerDropReason.Superseded));
        for (long now = 1_000; sender.QueuedPackets > 0 && now < 3_000_000; now += 1_000)
        {
            sink.Now = now;
            sender.Drain(now);
        }

        // After the discard only stream B left: its retransmission first, then its video in order; the store is empty.
        var after = sink.Sent.Skip(sentBefore).Select(s => s.Id).ToList();
        Assert.Equal(51, after[0]);
        Assert.Equal(Enumerable.Range(0, 20).Where(i => i % 2 == 1 && sink.Sent.Take(sentBefore).All(s => s.Id != i)), after.Skip(1));
        Assert.Equal(0, sender.StoredPackets);
        Assert.Equal(0, sender.DiscardQueued(3, 4));
    }

    [Fact]
    public void Queueing_and_draining_allocate_nothing_per_packet()
    {
        var sink = new CountingSink();
        var sender = new PacedSender(sink, PacerOptions.Default, 256, 1500);
        sender.SetTargetBitrate(1_000_000);
        var packet = new byte[1100];
        var switched = Packet(0, 1100, ssrc: 7);
        long now = 0;

        void Burst()
        {
            for (var i = 0; i < 20; i++)
            {
                sender.Send(packet, PacketPriority.Video, now);
            }

            sender.Send(packet, PacketPriority.Retransmission, now);
            for (var i = 0; i < 5; i++)
            {
                sender.Send(switched, PacketPriority.Video, now);
            }

            sender.DiscardQueued(7, 8);
            while (sender.QueuedPackets > 0)
            {
                now += 1_000;
                sender.Drain(now);
            }
        }

        var allocated = AllocationMeter.LeastPerRound(Burst, warmUp: 5, perRound: 10);
        Assert.Equal(0, allocated);
        Assert.True(sender.Queued > 500, $"{sender.Queued} queued");
        Assert.Equal(0, sender.DroppedQueueFull + sender.DroppedExpired);
        Assert.True(sender.DroppedSuperseded > 0);
    }

    /// <summary>A packet whose first four bytes are <paramref name="id"/> and whose SSRC (bytes 8–11) is <paramref name="ssrc"/>.</summary>
    private static byte[] Packet(int id, int size, uint ssrc = 0)
    {
        var packet = new byte[size];
        BitConverter.TryWriteBytes(packet, id);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        return packet;
    }

    private sealed class RecordingSink : IPacedPacketSink
    {
        /// <summary>The time the test drives the sender at (a send is recorded at it).</summary>
        public long Now { get; set; }

        public List<(int Id, long Time, PacketPriority Priority, int ProbeClusterId)> Sent { get; } = [];

        public List<(long Time, int ProbeClusterId)> Probes { get; } = [];

        public List<PacerDropReason> Dropped { get; } = [];

        public int ProbeSize { get; init; }

        public int ProbeRequests { get; private set; }

        public void SendNow(ReadOnlySpan<byte> packet, PacketPriority priority, int probeClusterId) =>
            Sent.Add((BitConverter.ToInt32(packet), Now, priority, probeClusterId));

        public int SendProbe(int size, int probeClusterId)
        {
            ProbeRequests++;
            if (ProbeSize > 0)
            {
                Probes.Add((Now, probeClusterId));
            }

            return ProbeSize;
        }

        public void OnDropped(PacerDropReason reason) => Dropped.Add(reason);
    }

    private sealed class CountingSink : IPacedPacketSink
    {
        public long Bytes { get; private set; }

        public void SendNow(ReadOnlySpan<byte> packet, PacketPriority priority, int probeClusterId) => Bytes += packet.Length;

        public int SendProbe(int size, int probeClusterId) => 0;

        public void OnDropped(PacerDropReason reason)
        {
        }
    }
}
