using System.Diagnostics;

namespace Parley.LoadTest;

/// <summary>
/// The one thread that drives every participant's clock: media frames when due and the receivers' periodic RTCP,
/// about every 2 ms. One thread keeps the generator's cost visible and its timing honest (a stall shows as latency).
/// A pause of the thread itself (not scheduled, or the process stopped) is recorded with its time: the senders skip
/// the media that fell due meanwhile, so such a pause shows at the receivers as a freeze without loss.
/// </summary>
internal sealed class Pacer : IDisposable
{
    private static readonly long StallGap = Stopwatch.Frequency / 10;

    private readonly Thread _thread;
    private readonly LoadCounters _counters;
    private volatile Participant[] _participants = [];
    private volatile bool _sending = true;
    private volatile bool _stopped;

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
                _counters.RecordPacerStall(last, now);
            last = now;
            foreach (var participant in _participants)
            {
                if (_sending)
                    participant.Sender?.Tick(now);
                participant.Receiver?.Tick(now);
            }

            Thread.Sleep(2);
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _thread.Join();
    }
}
