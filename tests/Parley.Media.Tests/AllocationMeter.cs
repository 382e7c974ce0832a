namespace Parley.Media.Tests;

/// <summary>
/// Measures what a hot path allocates on the calling thread, as the least over several rounds. An allocation per call
/// shows in every round; a one-off runtime event (tiered compilation installing optimised code, a type loaded lazily)
/// lands in one round only and must not fail the test. Clean-clone CI runs saw such one-offs of about 8 KB in a
/// single round, once in several runs of the whole suite.
/// </summary>
internal static class AllocationMeter
{
    public const int Rounds = 5;

    /// <summary>
    /// Calls <paramref name="round"/> with 0 to <see cref="Rounds"/> - 1 and returns the fewest bytes any call allocated.
    /// </summary>
    public static long LeastPerRound(Action<int> round)
    {
        var least = long.MaxValue;
        for (var i = 0; i < Rounds; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            round(i);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }

    /// <summary>Runs <paramref name="warmUp"/> calls, then returns the least of <see cref="Rounds"/> rounds of <paramref name="perRound"/> calls.</summary>
    public static long LeastPerRound(Action action, int warmUp, int perRound)
    {
        for (var i = 0; i < warmUp; i++)
        {
            action();
        }

        return LeastPerRound(_ =>
        {
            for (var i = 0; i < perRound; i++)
            {
                action();
            }
        });
    }
}
