using Parley.Media.Pacing;

namespace Parley.Media.Tests.Pacing;

public class RetransmissionLimiterTests
{
    private static readonly RetransmissionLimiterOptions Options = new(
        MaxDelayMicroseconds: 1_000_000,
        MaxAttempts: 3,
        MaxShareOfMedia: 0.5,
        BurstBytes: 0,
        MinResendIntervalMicroseconds: 10_000,
        DefaultRoundTripTimeMicroseconds: 100_000);

    [Fact]
    public void Allows_a_fresh_loss_within_the_share()
    {
        var limiter = Funded(10_000);
        Assert.Equal(RetransmissionVerdict.Allowed, limiter.Decide(0, 0, 0, 1000, 50_000));
    }

    [Fact]
    public void Refuses_a_packet_that_can_no_longer_arrive_in_time()
    {
        var limiter = Funded(10_000);
        limiter.SetRoundTripTime(200_000);

        Assert.Equal(RetransmissionVerdict.Allowed, limiter.Decide(0, 0, 0, 100, 899_000));
        Assert.Equal(RetransmissionVerdict.TooOld, limiter.Decide(0, 0, 0, 100, 901_000));
        Assert.Equal(1, limiter.RefusedTooOld);
    }

    [Fact]
    public void Refuses_a_resend_before_the_previous_copy_could_arrive()
    {
        var limiter = Funded(10_000);
        limiter.SetRoundTripTime(80_000);

        Assert.Equal(RetransmissionVerdict.TooSoon, limiter.Decide(0, 100_000, 1, 100, 170_000));
        Assert.Equal(RetransmissionVerdict.Allowed, limiter.Decide(0, 100_000, 1, 100, 180_000));
    }

    [Fact]
    public void Refuses_after_the_maximum_attempts()
    {
        var limiter = Funded(10_000);
        Assert.Equal(RetransmissionVerdict.TooManyAttempts, limiter.Decide(0, 0, 3, 100, 500_000));
    }

    [Fact]
    public void Caps_retransmitted_bytes_at_a_share_of_media_bytes()
    {
        var limiter = Funded(10_000);
        var allowed = 0;
        for (var i = 0; i < 20; i++)
        {
            if (limiter.Decide(0, 0, 0, 1000, 10_000) == RetransmissionVerdict.Allowed)
            {
                allowed++;
            }
        }

        Assert.Equal(5, allowed);
        Assert.Equal(15, limiter.RefusedRateLimited);

        limiter.OnMediaSent(2000);
        Assert.Equal(RetransmissionVerdict.Allowed, limiter.Decide(0, 0, 0, 1000, 10_000));
    }

    private static RetransmissionLimiter Funded(int mediaBytes)
    {
        var limiter = new RetransmissionLimiter(Options with { BurstBytes = mediaBytes / 2 });
        return limiter;
    }
}
