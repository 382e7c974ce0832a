using Parley.Media.Rtc;

namespace Parley.Media.Tests.Rtc;

public class KeyFrameRequestThrottleTests
{
    [Fact]
    public void Forwards_the_first_request_and_merges_the_rest_of_the_interval_into_one_pending()
    {
        var throttle = new KeyFrameRequestThrottle(1000);
        Assert.True(throttle.TryRequest(5000));
        Assert.False(throttle.TryRequest(5100));
        Assert.False(throttle.TryRequest(5999));
        Assert.True(throttle.IsPending);
        Assert.Equal(2, throttle.ThrottledCount);

        Assert.False(throttle.TryForwardPending(5999));
        Assert.True(throttle.TryForwardPending(6000));
        Assert.False(throttle.IsPending);
        Assert.False(throttle.TryForwardPending(7500));
        Assert.Equal(2, throttle.ForwardedCount);

        Assert.True(throttle.TryRequest(7000));
    }

    [Fact]
    public void An_unanswered_need_of_our_own_is_repeated_after_the_repeat_interval_a_receivers_request_after_the_interval()
    {
        var throttle = new KeyFrameRequestThrottle(1000, 400);
        Assert.True(throttle.TryRepeat(0));
        Assert.False(throttle.TryRepeat(399));
        Assert.False(throttle.TryRequest(399));
        Assert.True(throttle.TryRepeat(400));
        Assert.False(throttle.IsPending);

        // A receiver's request after that repeat still waits the full interval.
        Assert.False(throttle.TryRequest(900));
        Assert.False(throttle.TryForwardPending(1399));
        Assert.True(throttle.TryForwardPending(1400));
        Assert.Equal(3, throttle.ForwardedCount);
    }

    [Fact]
    public void A_key_frame_cancels_the_pending_request_and_reopens_the_gate()
    {
        var throttle = new KeyFrameRequestThrottle(1000);
        Assert.True(throttle.TryRequest(0));
        Assert.False(throttle.TryRequest(100));

        throttle.OnKeyFrameReceived();

        Assert.False(throttle.IsPending);
        Assert.False(throttle.TryForwardPending(2000));
        Assert.True(throttle.TryRequest(200));
    }

    [Fact]
    public void Fir_sequence_numbers_increase_per_new_request_and_repeat_for_a_resend()
    {
        var throttle = new KeyFrameRequestThrottle();
        Assert.Equal(1, throttle.NextFirSequenceNumber());
        Assert.Equal(1, throttle.NextFirSequenceNumber(isRetransmission: true));
        Assert.Equal(2, throttle.NextFirSequenceNumber());
        for (var i = 0; i < 253; i++)
        {
            throttle.NextFirSequenceNumber();
        }

        Assert.Equal(0, throttle.NextFirSequenceNumber()); // 8 bits, wraps
    }

    [Fact]
    public void A_zero_interval_forwards_everything()
    {
        var throttle = new KeyFrameRequestThrottle(0);
        Assert.True(throttle.TryRequest(1));
        Assert.True(throttle.TryRequest(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeyFrameRequestThrottle(-1));
    }
}
