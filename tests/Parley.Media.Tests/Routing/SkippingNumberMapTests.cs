using FsCheck.Xunit;
using Parley.Media.Routing;

namespace Parley.Media.Tests.Routing;

public sealed class SkippingNumberMapTests
{
    /// <summary>
    /// A 7-bit counter (short VP8 picture IDs, a 64-wide window) over many wraps: the outputs of the inputs forwarded
    /// count up by one, and each of the window's map back to its input.
    /// </summary>
    [Property(MaxTest = 200)]
    public bool A_seven_bit_counter_closes_up_over_drops_and_maps_back_within_its_window(int seed)
    {
        var random = new Random(seed);
        var map = new SkippingNumberMap(256);
        var start = random.Next(128);
        map.Reset(start, random.Next(128), 0x7F);
        var forwarded = new List<(int Index, int Input, int Output)>();
        const int count = 400;
        for (var i = 0; i < count; i++)
        {
            var input = (start + i) & 0x7F;
            if (i > 0 && random.Next(3) == 0)
            {
                if (map.Drop(input, out _))
                {
                    return false; // the newest input: it closes up, nothing to fill
                }

                continue;
            }

            if (!map.TryForward(input, out var output))
            {
                return false;
            }

            forwarded.Add((i, input, output));
        }

        for (var k = 1; k < forwarded.Count; k++)
        {
            if (forwarded[k].Output != ((forwarded[k - 1].Output + 1) & 0x7F))
            {
                return false;
            }
        }

        return forwarded.Where(f => f.Index > count - 64)
            .All(f => map.TryMapBack(f.Output, out var back) && back == f.Input && map.WasDropped(f.Input) == false);
    }

    [Fact]
    public void Before_a_reset_nothing_is_numbered_dropped_or_mapped()
    {
        var map = new SkippingNumberMap(1024);
        Assert.False(map.TryForward(5, out _));
        Assert.False(map.Drop(5, out _));
        Assert.False(map.TryMapBack(5, out _));
        Assert.Null(map.WasDropped(5));
    }

    [Fact]
    public void A_jump_beyond_the_window_forgets_everything_before_it()
    {
        var map = new SkippingNumberMap(1024);
        map.Reset(0, 0, 0xFFFF);
        Assert.True(map.TryForward(0, out _));
        Assert.False(map.Drop(1, out _));
        Assert.True(map.TryForward(5000, out var output));
        Assert.Equal(4999, output);
        Assert.Null(map.WasDropped(1));
        Assert.False(map.TryForward(5000 - 1024, out _));
        Assert.True(map.TryForward(5000 - 1023, out output)); // never seen, in the window: the number kept for it
        Assert.Equal(5000 - 1024, output);
        Assert.True(map.TryMapBack(4999, out var input));
        Assert.Equal(5000, input);
        Assert.False(map.TryMapBack(0, out _));
    }
}
