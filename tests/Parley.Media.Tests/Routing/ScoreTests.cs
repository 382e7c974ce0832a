using System.Collections.Concurrent;
using Parley.Media.Routing;
using Parley.Media.Rtcp;
using Parley.Media.Tests.Ortc;

namespace Parley.Media.Tests.Routing;

/// <summary>Producer and consumer scores (mediasoup's), raised when they change, from the loss each side reports.</summary>
public sealed class ScoreTests
{
    [Fact]
    public async Task Loss_on_the_way_in_lowers_the_producer_score_and_loss_reported_by_the_receiver_lowers_the_consumer_score()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile);
        var (transport, consumer, peer) = await scenario.AddConsumerAsync();
        var producerScores = new ConcurrentQueue<int>();
        var consumerScores = new ConcurrentQueue<ConsumerScore>();
        scenario.Producer.ScoreChanged += (_, score) => producerScores.Enqueue(score);
        consumer.ScoreChanged += (_, score) => consumerScores.Enqueue(score);
        Assert.Equal(10, scenario.Producer.Score);
        Assert.Equal(new ConsumerScore(10, 10), consumer.Score);

        // One packet in four never arrives: a quarter lost, round(10 · 0.75⁴) = 3 once our next receiver report is due.
        for (var i = 1; i <= 80; i++)
        {
            if (i % 4 != 0)
            {
                await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, (ushort)i, (uint)i * 960, scenario.ProducerSsrc, [1, 2, 3]));
            }
        }

        await Eventually.TrueAsync(() => Task.FromResult(!producerScores.IsEmpty), "a producer score");
        Assert.InRange(scenario.Producer.Score, 1, 5);
        Assert.Equal(scenario.Producer.Score, producerScores.Last());
        await Eventually.TrueAsync(() => Task.FromResult(consumer.Score.ProducerScore == scenario.Producer.Score), "the consumer to carry the producer's score");
        Assert.Equal(10, consumer.Score.Score);

        // The receiver reports half of what it was sent as lost.
        var sent = (await consumer.GetStatsAsync())[0].PacketCount;
        Assert.Equal(60, sent);
        var block = new RtcpReportBlock(consumer.RtpParameters.Encodings[0].Ssrc!.Value, 128, (int)sent / 2, 1000, 0, 0, 0);
        var buffer = new byte[64];
        Assert.True(RtcpReceiverReport.TryWrite(buffer, 0x1234, [block], out var length));
        peer.SendTo(transport.Tuple.LocalPort, buffer.AsSpan(0, length));

        // The event follows the property (raised off the worker, in order).
        await Eventually.TrueAsync(() => Task.FromResult(consumerScores.Any(s => s.Score < 10)), "a consumer score event");
        Assert.Equal(new ConsumerScore(1, scenario.Producer.Score), consumerScores.Last());
        Assert.Equal(consumerScores.Last(), consumer.Score);
    }
}
