using Parley.Media.Routing;

namespace Parley.Media.Tests.Routing;

/// <summary>A worker alarm runs once per arming, at the earliest time it was armed for, and re-arms without allocating.</summary>
public class WorkerAlarmTests
{
    [Fact]
    public void An_alarm_runs_once_at_the_earliest_time_armed()
    {
        var timers = new WorkerTimers((_, _) => { });
        var runs = new List<long>();
        WorkerTimer? alarm = null;
        alarm = timers.CreateAlarm(() => runs.Add(timers.Now));
        Assert.Equal(1, timers.ActiveCount);
        Assert.Equal(long.MaxValue, timers.RunDue(0));

        alarm.ArmAt(10);
        Assert.Equal(10, timers.RunDue(5));
        timers.RunDue(10);
        timers.RunDue(20);
        Assert.Equal([10L], runs);

        // Armed later then earlier: once, at the earlier time; the stale entry is dropped.
        alarm.ArmAt(30);
        alarm.ArmAt(25);
        timers.RunDue(26);
        timers.RunDue(40);
        Assert.Equal([10L, 26], runs);

        // Armed earlier then later: the earlier time holds.
        alarm.ArmAt(50);
        alarm.ArmAt(60);
        timers.RunDue(50);
        timers.RunDue(70);
        Assert.Equal([10L, 26, 50], runs);

        alarm.ArmAt(80);
        alarm.Cancel();
        timers.RunDue(90);
        Assert.Equal(3, runs.Count);
        Assert.Equal(0, timers.ActiveCount);
    }

    [Fact]
    public void An_alarm_re_armed_from_its_own_callback_runs_again_at_the_new_time()
    {
        var timers = new WorkerTimers((_, _) => { });
        var runs = 0;
        WorkerTimer alarm = null!;
        alarm = timers.CreateAlarm(() =>
        {
            runs++;
            alarm.ArmAt(timers.Now + 1);
        });
        alarm.ArmAt(1);
        for (long now = 1; now <= 100; now++)
        {
            timers.RunDue(now);
        }

        Assert.Equal(100, runs);
        var allocated = AllocationMeter.LeastPerRound(_ =>
        {
            for (var i = 0; i < 100; i++)
            {
                timers.RunDue(timers.Now + 1);
            }
        });
        Assert.Equal(0, allocated);
    }
}
