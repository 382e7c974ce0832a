using System.Diagnostics;

namespace Parley.LoadTest;

/// <summary>
/// The one thread that drives every participant's clock: media frames when due and the receivers' periodic RTCP,
/// about every 2 ms. One thread keeps the generator's cost visible and its timing honest (a stall shows as latency).
/// </summary>
internal sealed class Pacer : IDisposable
{
    private readonly Thread _thread;
    private volatile Participant[] _participants = [];
    private volatile bool _sending = true;
    private volatile bool _stopped;

    public Pacer()
    {
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
        while (!_stopped)
        {
            var now = Stopwatch.GetTimestamp();
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
