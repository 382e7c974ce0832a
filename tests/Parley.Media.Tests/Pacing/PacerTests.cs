using Parley.Media.Bwe;
using Parley.Media.Pacing;

namespace Parley.Media.Tests.Pacing;

public class PacerTests
{
    private static readonly PacerOptions NoQueueLimit = PacerOptions.Default with { MaxQueueTimeMicroseconds = 60_000_000 };

    [Fact]
    public void Paces_a_burst_at_the_pacing_rate()
    {
        var pacer = new Pacer(NoQueueLimit, 800_000);
        for (var i = 0; i < 100; i++)
        {
            pacer.TryEnqueue(PacketPriority.Video, i, 1000, 0);
        }

        var sent = Run(pacer, 0, 5_000_000);

        Assert.Equal(100, sent.Count);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), sent.Select(s => s.Decision.PacketId));
        // 100 kB at 100 kB/s: the last leaves after about a second (the first goes at once, on credit).
        Assert.InRange(sent[^1].Time, 970_000, 1_000_000);
        Assert.InRange(sent[50].Time, 480_000, 510_000);
    }

    [Fact]
    public void Reports_how_long_the_oldest_queued_packet_has_waited()
    {
        var pacer = new Pacer(NoQueueLimit, 80_000);
        Assert.Equal(0, pacer.OldestQueueTime(1_000));
        pacer.TryEnqueue(PacketPriority.Video, 1, 1000, 10_000);
        pacer.TryEnqueue(PacketPriority.Retransmission, 2, 1000, 30_000);

        Assert.Equal(40_000, pacer.OldestQueueTime(50_000));
        Assert.Equal(2000, pacer.QueuedBytes);

        // The retransmission goes first; the video packet, queued earlier, is still the oldest.
        Run(pacer, 50_000, 50_001);
        Assert.Equal(1, pacer.QueuedPackets);
        Assert.Equal(60_000, pacer.OldestQueueTime(70_000));
    }

    [Fact]
    public void Serves_audio_then_retransmissions_then_video()
    {
        var pacer = new Pacer(NoQueueLimit, 80_000);
        pacer.TryEnqueue(PacketPriority.Video, 1, 500, 0);
        pacer.TryEnqueue(PacketPriority.Retransmission, 2, 500, 0);
        pacer.TryEnqueue(PacketPriority.Audio, 3, 100, 0);
        pacer.TryEnqueue(PacketPriority.Video, 4, 500, 0);
        pacer.TryEnqueue(PacketPriority.Audio, 5, 100, 0);

        var sent = Run(pacer, 0, 1_000_000);

        Assert.Equal([3L, 5, 2, 1, 4], sent.Select(s => s.Decision.PacketId));
        Assert.Equal(
            [PacketPriority.Audio, PacketPriority.Audio, PacketPriority.Retransmission, PacketPriority.Video, PacketPriority.Video],
            sent.Select(s => s.Decision.Priority));
    }

    [Fact]
    public void Audio_goes_out_at_once_even_without_budget()
    {
        var pacer = new Pacer(NoQueueLimit, 8_000);
        pacer.TryEnqueue(PacketPriority.Video, 1, 1200, 0);
        Assert.True(pacer.TryGetNext(0, out _));
        pacer.TryEnqueue(PacketPriority.Video, 2, 1200, 1_000);
        pacer.TryEnqueue(PacketPriority.Audio, 3, 100, 1_000);

        Assert.True(pacer.TryGetNext(1_000, out var decision));
        Assert.Equal(3, decision.PacketId);
        Assert.False(pacer.TryGetNext(1_000, out _));
        Assert.True(pacer.NextSendTime(1_000) > 1_000_000);
    }

    [Fact]
    public void Raises_the_rate_so_nothing_waits_past_the_queue_time_limit()
    {
        var pacer = new Pacer(PacerOptions.Default with { MaxQueueTimeMicroseconds = 500_000 }, 100_000);
        for (var i = 0; i < 100; i++)
        {
            pacer.TryEnqueue(PacketPriority.Video, i, 1000, 0);
        }

        var sent = Run(pacer, 0, 20_000_000);

        // At 100 kbit/s this would take 8 s.
        Assert.Equal(100, sent.Count);
        Assert.InRange(sent[^1].Time, 400_000, 520_000);
    }

    [Fact]
    public void A_probe_cluster_sends_padding_at_its_rate_tagged_until_complete()
    {
        var pacer = new Pacer(NoQueueLimit, 100_000);
        var cluster = ProbeCluster.For(7, 2_000_000);
        pacer.StartProbe(cluster, 0);

        var sent = Run(pacer, 0, 1_000_000);

        Assert.All(sent, s => Assert.Equal(7, s.Decision.ProbeClusterId));
        Assert.All(sent, s => Assert.True(s.Decision.IsPadding));
        Assert.True(sent.Count >= cluster.MinPackets);
        var bytes = sent.Sum(s => s.Decision.Size);
        Assert.True(bytes >= cluster.MinBytes);
        var rate = (bytes - sent[^1].Decision.Size) * 8_000_000.0 / (sent[^1].Time - sent[0].Time);
        Assert.InRange(rate, 1_800_000, 2_200_000);
        Assert.False(pacer.Probing);
    }

    [Fact]
    public void A_probe_cluster_after_an_idle_moment_is_paced_from_its_start_in_even_packets()
    {
        // Credit saved while idle used to send a fast cluster's first packets at once (one large padding packet, then
        // small ones): its measured send interval shrank to nothing and its receive rate read far under the link.
        var pacer = new Pacer(NoQueueLimit, 1_200_000);
        pacer.TryEnqueue(PacketPriority.Video, 1, 300, 0);
        Run(pacer, 0, 0);
        var cluster = ProbeCluster.For(9, 1_500_000);
        pacer.StartProbe(cluster, 100_000);

        var sent = Run(pacer, 100_000, 1_000_000);

        Assert.True(sent.Count >= cluster.MinPackets);
        Assert.All(sent, s => Assert.Equal(sent[0].Decision.Size, s.Decision.Size));
        Assert.All(sent.Zip(sent.Skip(1)), p => Assert.True(p.Second.Time > p.First.Time, "two probe packets left together"));
        var rate = (sent.Sum(s => s.Decision.Size) - sent[^1].Decision.Size) * 8_000_000.0 / (sent[^1].Time - sent[0].Time);
        Assert.InRange(rate, 1_350_000, 1_650_000);
    }

    [Fact]
    public void A_probe_tags_queued_media_first()
    {
        var pacer = new Pacer(NoQueueLimit, 100_000);
        pacer.TryEnqueue(PacketPriority.Video, 1, 1000, 0);
        pacer.StartProbe(ProbeCluster.For(3, 1_000_000), 0);

        Assert.True(pacer.TryGetNext(0, out var decision));

        Assert.Equal(1, decision.PacketId);
        Assert.Equal(3, decision.ProbeClusterId);
    }

    [Fact]
    public void Sends_padding_at_the_padding_rate_when_idle()
    {
        var pacer = new Pacer(NoQueueLimit, 1_000_000);
        pacer.SetPaddingBitrate(200_000);

        var sent = Run(pacer, 0, 1_000_000);

        Assert.All(sent, s => Assert.True(s.Decision.IsPadding));
        Assert.InRange(sent.Sum(s => s.Decision.Size) * 8, 180_000, 220_000);
    }

    [Fact]
    public void A_full_class_refuses_and_counts()
    {
        var pacer = new Pacer(PacerOptions.Default with { QueueCapacity = 2 }, 100_000);
        Assert.True(pacer.TryEnqueue(PacketPriority.Video, 1, 100, 0));
        Assert.True(pacer.TryEnqueue(PacketPriority.Video, 2, 100, 0));
        Assert.False(pacer.TryEnqueue(PacketPriority.Video, 3, 100, 0));
        Assert.True(pacer.TryEnqueue(PacketPriority.Audio, 4, 100, 0));
        Assert.Equal(1, pacer.Refused);
    }

    [Fact]
    public void Pacing_allocates_nothing()
    {
        var pacer = new Pacer(PacerOptions.Default, 10_000_000);
        long now = 0;
        var allocated = AllocationMeter.LeastPerRound(
            () =>
            {
                for (var i = 0; i < 10; i++)
                {
                    pacer.TryEnqueue(PacketPriority.Video, i, 1000, now);
                }

                while (pacer.QueuedPackets > 0)
                {
                    now = Math.Max(now, pacer.NextSendTime(now));
                    while (pacer.TryGetNext(now, out _))
                    {
                    }
                }
            },
            warmUp: 10,
            perRound: 50);

        Assert.Equal(0, allocated);
    }

    private static List<(long Time, PacerDecision Decision)> Run(Pacer pacer, long from, long until)
    {
        var sent = new List<(long, PacerDecision)>();
        var now = from;
        for (var steps = 0; steps < 100_000 && now <= until; steps++)
        {
            while (pacer.TryGetNext(now, out var decision))
            {
                sent.Add((now, decision));
                if (decision.IsPadding)
                {
                    pacer.OnPaddingSent(decision.Size);
                }
            }

            var next = pacer.NextSendTime(now);
            if (next == long.MaxValue)
            {
                break;
            }

            now = Math.Max(next, now + 1);
        }

        return sent;
    }
}
