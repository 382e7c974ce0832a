using Parley.Media.Codecs;
using Parley.Media.Routing;

namespace Parley.Media.Tests.Routing;

public sealed class Vp8TemporalLayerSelectorTests
{
    private static readonly int[] L1T3 = [0, 2, 1, 2];

    private static Vp8TemporalLayerSelector Start(int target, uint keyFrameTimestamp = 0)
    {
        var selector = new Vp8TemporalLayerSelector { Target = target };
        selector.Reset(target);
        Assert.True(selector.ShouldForward(new Vp8TemporalInfo(0, false, true), keyFrameTimestamp, isKeyFrame: true, null));
        return selector;
    }

    private static bool Picture(Vp8TemporalLayerSelector selector, uint timestamp, int temporalLayer, bool layerSync = false) =>
        selector.ShouldForward(new Vp8TemporalInfo(temporalLayer, layerSync, true), timestamp, isKeyFrame: false, null);

    [Fact]
    public void At_target_0_only_base_layer_pictures_pass()
    {
        var selector = Start(0);
        var forwarded = Enumerable.Range(1, 12).Where(i => Picture(selector, (uint)i * 3000, L1T3[i % 4])).ToArray();
        Assert.Equal([4, 8, 12], forwarded);
        Assert.Equal(0, selector.Current);
    }

    [Fact]
    public void Lowering_applies_at_the_next_picture_and_a_picture_keeps_its_first_packets_fate()
    {
        var selector = Start(2);
        Assert.True(Picture(selector, 3000, 2));
        selector.Target = 0;
        Assert.True(selector.ShouldForward(new Vp8TemporalInfo(2, false, false), 3000, false, null)); // the same picture
        Assert.Equal(2, selector.Current);
        Assert.False(Picture(selector, 6000, 1));
        Assert.Equal(0, selector.Current);
        Assert.False(selector.ShouldForward(new Vp8TemporalInfo(1, false, false), 6000, false, null));
    }

    [Fact]
    public void Raising_waits_for_a_base_layer_picture()
    {
        var selector = Start(0);
        selector.Target = 2;
        Assert.False(Picture(selector, 3000, 2));
        Assert.False(Picture(selector, 6000, 1));
        Assert.Equal(0, selector.Current);
        Assert.True(Picture(selector, 9000, 0));
        Assert.Equal(2, selector.Current);
        Assert.True(Picture(selector, 12000, 2));
    }

    [Fact]
    public void A_layer_sync_picture_raises_to_its_own_layer()
    {
        var selector = Start(0);
        selector.Target = 2;
        Assert.True(Picture(selector, 3000, 1, layerSync: true));
        Assert.Equal(1, selector.Current);
        Assert.False(Picture(selector, 6000, 2)); // layer 2 may still reference pictures it never got
        Assert.True(Picture(selector, 9000, 2, layerSync: true));
        Assert.Equal(2, selector.Current);

        selector.Target = 1;
        Assert.False(Picture(selector, 12000, 2, layerSync: true)); // above the target: lowered, not taken
        Assert.Equal(1, selector.Current);
    }

    [Fact]
    public void A_keyframe_goes_straight_to_the_target()
    {
        var selector = Start(0);
        selector.Target = 2;
        Assert.True(selector.ShouldForward(new Vp8TemporalInfo(0, false, true), 3000, isKeyFrame: true, null));
        Assert.Equal(2, selector.Current);
    }

    [Fact]
    public void A_late_packet_of_an_older_picture_follows_what_was_done_to_that_picture_and_goes_out_when_it_was_never_seen()
    {
        var selector = Start(2, keyFrameTimestamp: 100);
        Assert.True(Picture(selector, 3100, 2));
        selector.Target = 0;
        Assert.True(Picture(selector, 6100, 0));
        var late = new Vp8TemporalInfo(2, false, false);
        Assert.True(selector.ShouldForward(late, 3100, false, droppedBefore: false));
        Assert.False(selector.ShouldForward(late, 3100, false, droppedBefore: true));
        Assert.True(selector.ShouldForward(late, 3100, false, droppedBefore: null)); // never seen: its picture ID is taken
        Assert.Equal(0, selector.Current);
    }

    [Fact]
    public void Timestamps_wrap_around()
    {
        var selector = Start(0, keyFrameTimestamp: uint.MaxValue - 1000);
        Assert.False(Picture(selector, unchecked(uint.MaxValue - 1000 + 3000), 2));
        Assert.True(Picture(selector, unchecked(uint.MaxValue - 1000 + 6000), 0));
    }
}
