using System.Diagnostics;

namespace Parley.LoadTest;

/// <summary>
/// The one thread that drives every participant's clock: media frames when due and the receivers' periodic RTCP,
/// about every 2 ms. One thread keeps the generator's cost visible and its timing honest (a stall shows as latency).
/// It also watches the generator's own process, since that shares the machine's cores with the server:
/// - a pause of this thread (not scheduled, or the process stopped) is a <em>send</em> stall: the senders skip the
///   media that fell due meanwhile, so it shows at the receivers as a freeze without loss;
/// - a work item queued to the thread pool every tick and run late is a <em>receive</em> stall: the receive loops'
///   continuations run there, so packets wait in the generator's sockets (latency, and a freeze past 500 ms).
/// Both are recorded with their times (over 100 ms, measured window only) to tell the generator's freezes from the server's.
/// </summary>
internal sealed class Pacer : IDisposable
{
    private static readonly long StallGap = Stopwatch.Frequency / 10;

    private readonly Thread _thread;
    private readonly LoadCounters _counters;
    private volatile Participant[] _participants = [];
    private volatile bool _sending = true;
    private volatile bool _stopped;
    private long _probeQueuedAt;

    public Pacer(LoadCounters counters)
    {
        _counters = counters;
        _thread = new Thread(Run) { IsBackground = true, Name = "loadtest-pacer", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public void Add(Participant participant)
    {
        lock (_thread)
            _participants = [.. _participants, participant];
    }

    /// <summary>Stops sending media; receivers keep sending NACKs and reports (the drain).</summary>
    public void StopSending() => _sending = false;

    private void Run()
    {
        var last = Stopwatch.GetTimestamp();
        while (!_stopped)
        {
            var now = Stopwatch.GetTimestamp();
            if (now - last > StallGap && _counters.Measuring)
                _counters.RecordGeneratorStall(GeneratorStallKind.Send, last, now);
            last = now;
            ProbeThreadPool(now);
            foreach (var participant in _participants)
            {
                if (_sending)
                    participant.Sender?.Tick(now);
                participant.Receiver?.Tick(now);
            }

            Thread.Sleep(2);
        }
    }

    /// <summary>One probe in flight at a time; a late one is recorded when it finally runs.</summary>
    private void ProbeThreadPool(long now)
    {
        if (Interlocked.CompareExchange(ref _probeQueuedAt, now, 0) != 0)
            return;
        ThreadPool.UnsafeQueueUserWorkItem(static pacer =>
        {
            var queuedAt = Interlocked.Exchange(ref pacer._probeQueuedAt, 0);
            var ranAt = Stopwatch.GetTimestamp();
            if (ranAt - queuedAt > StallGap && pacer._counters.Measuring)
                pacer._counters.RecordGeneratorStall(GeneratorStallKind.Receive, queuedAt, ranAt);
        }, this, preferLocal: false);
    }

    public void Dispose()
    {
        _stopped = true;
        _thread.Join();
    }
}
