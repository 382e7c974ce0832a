namespace Parley.Media.Routing;

/// <content>
/// Which of a simulcast producer's encodings its consumers need, so that the sender may stop encoding the others
/// (the contract's <c>producerLayersWanted</c>). An encoding is wanted while some active consumer's wanted spatial layer
/// is at or above it: a consumer needs the layers below its own to fall back to when the sender drops one. The lowest is
/// always wanted, so that a new consumer starts at once. A change that wants more is raised at the next check; one that
/// wants less only after it held for <see cref="WantedEncodingsHoldMs"/>, so that a preference flapping between layers
/// does not start and stop the sender's encoder.
/// </content>
public sealed partial class Producer
{
    /// <summary>How often the consumers' wanted layers are gathered.</summary>
    internal const int WantedEncodingsCheckMs = 250;

    /// <summary>How long fewer encodings must be wanted before the sender is told to stop one.</summary>
    internal const int WantedEncodingsHoldMs = 2000;

    private WorkerTimer? _layersTimer;
    private volatile bool[]? _encodingsWanted;
    private int _wantedTop = -1;
    private int _pendingTop = -1;
    private long _pendingSinceMs;

    /// <summary>
    /// Raised (on a thread-pool thread, one event at a time, in order) when the set of encodings the consumers need
    /// changes, with one flag per encoding in the order of <see cref="RtpParameters"/>' encodings (true: wanted). Only a
    /// simulcast producer raises it. The sender may stop encoding the unwanted ones until they are wanted again.
    /// </summary>
    public event EventHandler<IReadOnlyList<bool>>? EncodingsWantedChanged;

    /// <summary>The encodings wanted as last raised, one flag per encoding; all true until a change was raised.</summary>
    public IReadOnlyList<bool> EncodingsWanted => _encodingsWanted ?? [.. Enumerable.Repeat(true, Streams.Count)];

    private void StartWantedEncodingsTimer()
    {
        if (Streams.Count > 1 && _layersTimer is null && !_closed)
        {
            _wantedTop = Streams.Count - 1;
            _layersTimer = Transport.Worker.Timers.StartPeriodic(WantedEncodingsCheckMs, () => UpdateEncodingsWanted(Transport.Worker.Timers.Now));
        }
    }

    /// <summary>On the worker: gathers what the consumers want now and raises a change when it is due.</summary>
    internal void UpdateEncodingsWanted(long nowMs)
    {
        var top = 0;
        foreach (var consumer in _consumerSnapshot)
        {
            top = Math.Max(top, consumer.WantedSpatialLayer);
        }

        top = Math.Min(top, Streams.Count - 1);
        if (top >= _wantedTop)
        {
            _pendingTop = -1;
            if (top > _wantedTop)
            {
                Report(top);
            }

            return;
        }

        if (top != _pendingTop)
        {
            _pendingTop = top;
            _pendingSinceMs = nowMs;
        }
        else if (nowMs - _pendingSinceMs >= WantedEncodingsHoldMs)
        {
            _pendingTop = -1;
            Report(top);
        }
    }

    private void Report(int top)
    {
        _wantedTop = top;
        var wanted = new bool[Streams.Count];
        for (var i = 0; i <= top; i++)
        {
            wanted[i] = true;
        }

        _encodingsWanted = wanted;
        Transport.Worker.RaiseEvent(EncodingsWantedChanged, this, (IReadOnlyList<bool>)wanted);
    }
}
