using Parley.Media.Rtc;

namespace Parley.Media.Tests.Rtc;

public class StreamScoreTests
{
    [Fact]
    public void No_loss_keeps_ten()
    {
        var score = new StreamScore();
        Assert.Equal(10, score.Update(100, 0, 0, 0));
        Assert.Equal(10, score.Update(200, 0, 0, 0));
    }

    [Fact]
    public void An_interval_score_is_ten_times_the_fourth_power_of_the_delivered_share()
    {
        // 10% lost: 0.9^4 * 10 = 6.56 → 7; 50% lost: 0.5^4 * 10 = 0.625 → 1.
        Assert.Equal(7, new StreamScore().Update(100, 10, 0, 0));
        Assert.Equal(1, new StreamScore().Update(100, 50, 0, 0));
        Assert.Equal(0, new StreamScore().Update(100, 100, 0, 0));
    }

    [Fact]
    public void Newer_intervals_weigh_more_in_the_average()
    {
        var score = new StreamScore();
        score.Update(100, 100, 0, 0); // 0
        Assert.Equal(7, score.Update(200, 100, 0, 0)); // (0*1 + 10*2) / 3 = 6.67
        Assert.Equal(8, score.Update(300, 100, 0, 0)); // (0 + 20 + 30) / 6 = 8.33
    }

    [Fact]
    public void The_history_is_bounded()
    {
        var score = new StreamScore();
        score.Update(100, 100, 0, 0);
        for (var i = 2; i <= StreamScore.HistoryLength + 1; i++)
        {
            score.Update(i * 100, 100, 0, 0);
        }

        Assert.Equal(10, score.Score); // the one bad interval has left the window
    }

    [Fact]
    public void Repaired_losses_count_mostly_as_delivered_and_less_when_they_took_many_resends()
    {
        var cheap = new StreamScore().Update(100, 10, 10, 10);
        var costly = new StreamScore().Update(100, 10, 10, 40);
        var unrepaired = new StreamScore().Update(100, 10, 0, 0);

        Assert.Equal(9, cheap);
        Assert.True(costly < cheap && costly >= unrepaired, $"{costly}");
    }

    [Fact]
    public void An_empty_interval_changes_nothing_and_odd_counters_are_clamped()
    {
        var score = new StreamScore(initialScore: 4);
        Assert.Equal(4, score.Update(0, 0, 0, 0));
        Assert.Equal(10, score.Update(100, -5, 0, 0));
        Assert.Equal(3, score.Update(200, 400, 0, 0)); // lost clamps to expected: (10*1 + 0*2) / 3
    }
}
