using Parley.Server.Membership;

namespace Parley.Server.Tests.Membership;

public sealed class RoomLocksTests
{
    [Fact]
    public async Task Holders_of_one_rooms_lock_run_one_at_a_time()
    {
        var locks = new RoomLocks();
        var inside = 0;
        var maxInside = 0;

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            using (await locks.AcquireAsync("r1"))
            {
                var now = Interlocked.Increment(ref inside);
                InterlockedMax(ref maxInside, now);
                await Task.Yield();
                Interlocked.Decrement(ref inside);
            }
        })));

        Assert.Equal(1, maxInside);
        Assert.Equal(0, locks.ActiveCount);
    }

    [Fact]
    public async Task Different_rooms_do_not_wait_for_each_other()
    {
        var locks = new RoomLocks();
        using var first = await locks.AcquireAsync("r1");

        var second = locks.AcquireAsync("r2");

        Assert.True(second.IsCompleted);
        (await second).Dispose();
    }

    [Fact]
    public async Task A_released_lock_lets_the_next_waiter_in()
    {
        var locks = new RoomLocks();
        var first = await locks.AcquireAsync("r1");
        var second = locks.AcquireAsync("r1").AsTask();
        Assert.False(second.IsCompleted);

        first.Dispose();

        (await second.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        Assert.Equal(0, locks.ActiveCount);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
