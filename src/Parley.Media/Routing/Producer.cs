using Parley.Media.Ortc;
using Parley.Media.Rtc;
using Parley.Media.Rtp;
using Parley.Media.Transports;

namespace Parley.Media.Routing;

/// <summary>
/// A media source a remote endpoint sends into the router over a transport. Its RTP is fanned out to every
/// <see cref="Consumer"/> of it in the router.
/// </summary>
public sealed partial class Producer
{
    private readonly List<Consumer> _consumers = [];
    private Consumer[] _consumerSnapshot = [];
    private volatile bool _paused;
    private volatile bool _closed;
    private byte _audioLevelExtensionId;
    private long _audioLevelSum;
    private int _audioLevelCount;

    internal Producer(Transport transport, MediaKind kind, RtpParameters rtpParameters, RtpParameters consumable, RtpMapping mapping, object? appData, bool paused)
    {
        Transport = transport;
        Kind = kind;
        RtpParameters = rtpParameters;
        ConsumableRtpParameters = consumable;
        Type = OrtcRules.GetRtpParametersType(rtpParameters);
        AppData = appData;
        _paused = paused;
        if (kind == MediaKind.Audio
            && rtpParameters.HeaderExtensions.FirstOrDefault(e => e.Uri == RtpHeaderExtensionUris.AudioLevel) is { Id: > 0 and < 256 } audioLevel)
        {
            _audioLevelExtensionId = (byte)audioLevel.Id;
        }
        var streams = new ProducerStream[rtpParameters.Encodings.Count];
        for (var i = 0; i < streams.Length; i++)
        {
            streams[i] = new ProducerStream(this, i, rtpParameters.Encodings[i], mapping.Encodings[i], mapping);
        }

        Streams = streams;
    }

    /// <summary>Unique id.</summary>
    public string Id { get; } = Guid.NewGuid().ToString();

    /// <summary>Audio or video.</summary>
    public MediaKind Kind { get; }

    /// <summary>The producer's RTP parameters as validated (with defaults filled in); treat as read-only.</summary>
    public RtpParameters RtpParameters { get; }

    /// <summary>Simple, simulcast or SVC, as mediasoup decides it from the encodings.</summary>
    public RtpParametersType Type { get; }

    /// <summary>The application's data given at creation.</summary>
    public object? AppData { get; }

    /// <summary>True while paused: its packets reach no consumer.</summary>
    public bool IsPaused => _paused;

    /// <summary>True once closed.</summary>
    public bool IsClosed => _closed;

    /// <summary>Raised (on a thread-pool thread) when the producer closes, itself or with its transport.</summary>
    public event EventHandler? Closed;

    internal Transport Transport { get; }

    internal RtpParameters ConsumableRtpParameters { get; }

    internal IReadOnlyList<ProducerStream> Streams { get; }

    /// <summary>Stops forwarding; consumers see <see cref="Consumer.ProducerPaused"/>.</summary>
    public Task PauseAsync() => Transport.Worker.InvokeAsync(() => SetPaused(true));

    /// <summary>Resumes forwarding; consumers see <see cref="Consumer.ProducerResumed"/> and wait for a keyframe.</summary>
    public Task ResumeAsync() => Transport.Worker.InvokeAsync(() => SetPaused(false));

    /// <summary>Closes the producer; its consumers close and raise <see cref="Consumer.ProducerClosed"/>.</summary>
    public Task CloseAsync() => _closed ? Task.CompletedTask : Transport.Worker.InvokeAsync(CloseOnWorker);

    /// <summary>The <c>inbound-rtp</c> stats of each of its streams (mediasoup's <c>producer.getStats()</c>).</summary>
    public Task<IReadOnlyList<ProducerStreamStats>> GetStatsAsync() => Transport.Worker.InvokeAsync(() =>
    {
        var now = Transport.Worker.Timers.Now;
        // As mediasoup: a RID-only encoding has no stats until its first packet bound its SSRC.
        return (IReadOnlyList<ProducerStreamStats>)Streams.Where(s => s.IsBound).Select(s => s.GetStats(now)).ToArray();
    });

    internal void AddConsumer(Consumer consumer)
    {
        _consumers.Add(consumer);
        _consumerSnapshot = [.. _consumers];
        StartWantedEncodingsTimer();
    }

    internal void RemoveConsumer(Consumer consumer)
    {
        if (_consumers.Remove(consumer))
        {
            _consumerSnapshot = [.. _consumers];
        }
    }

    /// <summary>
    /// Fans one router-space packet out to the consumers; each writes its own copy. <paramref name="isKeyFrame"/> is set
    /// only for a keyframe packet that is the newest of its stream: one that consumers may start or switch at.
    /// </summary>
    internal void Dispatch(ProducerStream stream, in RtpPacket packet, bool isKeyFrame, long nowMs)
    {
        if (_paused)
        {
            return;
        }

        if (_audioLevelExtensionId != 0 && packet.TryGetExtension(_audioLevelExtensionId, out var level) && level.Length >= 1)
        {
            // RFC 6464: the low 7 bits are the level in -dBov (0 loudest, 127 silence).
            _audioLevelSum += level[0] & 0x7F;
            _audioLevelCount++;
        }

        foreach (var consumer in _consumerSnapshot)
        {
            consumer.Forward(stream, packet, isKeyFrame, nowMs);
        }
    }

    /// <summary>
    /// The average audio level (dBov, -127 to 0) of the packets forwarded since the last call, on the worker; false when
    /// none carried the <c>ssrc-audio-level</c> extension.
    /// </summary>
    internal bool TakeAudioLevel(out int volume)
    {
        var count = _audioLevelCount;
        volume = count == 0 ? -127 : -(int)(_audioLevelSum / count);
        _audioLevelSum = 0;
        _audioLevelCount = 0;
        return count > 0;
    }

    /// <summary>Asks the remote producer for a keyframe of <paramref name="stream"/>.</summary>
    internal void RequestKeyFrame(ProducerStream stream)
    {
        if (!_closed && Kind == MediaKind.Video && stream.IsBound)
        {
            Transport.SendPictureLossIndication(stream.Ssrc);
        }
    }

    internal void CloseOnWorker()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        foreach (var consumer in _consumerSnapshot)
        {
            consumer.OnProducerClosed();
        }

        _consumers.Clear();
        _consumerSnapshot = [];
        _layersTimer?.Cancel();
        foreach (var stream in Streams)
        {
            stream.Close();
        }

        Transport.RemoveProducer(this);
        Transport.Router.RemoveProducer(this);
        Transport.Worker.RaiseEvent(Closed, this);
    }

    private void SetPaused(bool paused)
    {
        if (_closed || _paused == paused)
        {
            return;
        }

        _paused = paused;
        foreach (var consumer in _consumerSnapshot)
        {
            consumer.OnProducerPauseChanged(paused);
        }
    }
}
