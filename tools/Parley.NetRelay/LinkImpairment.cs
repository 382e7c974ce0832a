namespace Parley.NetRelay;

/// <summary>
/// One direction of an impaired link, without I/O: decides for each packet whether it is dropped and, if not, when
/// it leaves. A token bucket (rate and depth) with a drop-tail queue in front, then random loss, delay and jitter
/// (order kept). Times are microseconds on any monotonic clock; seeded, so a sequence of calls is reproducible.
/// </summary>
public sealed class LinkImpairment
{
    private readonly Random _random;
    private readonly Queue<(long Departure, int Size)> _waiting = new();
    private ImpairmentSettings _settings = ImpairmentSettings.None;
    private double _tokens;
    private long _tokensAt = long.MinValue;
    private long _lastDeparture = long.MinValue;
    private long _lastRelease = long.MinValue;
    private long _waitingBytes;

    /// <summary>Creates a link that passes everything until <see cref="Settings"/> is set.</summary>
    /// <param name="seed">Seed of the loss and jitter draws.</param>
    public LinkImpairment(int seed)
    {
        _random = new Random(seed);
    }

    /// <summary>The impairment applied to packets offered from now on.</summary>
    public ImpairmentSettings Settings
    {
        get => _settings;
        set
        {
            if (value.RateBitsPerSecond < 0 || value.BurstBytes < 0 || value.QueueLimitBytes < 0 || value.LossRate is < 0 or > 1
                || value.Delay < TimeSpan.Zero || value.Jitter < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(value));
            }

            _settings = value;
        }
    }

    /// <summary>Packets dropped because the queue was full.</summary>
    public long QueueDrops { get; private set; }

    /// <summary>Packets dropped at random.</summary>
    public long RandomDrops { get; private set; }

    /// <summary>The time the link takes to carry <paramref name="size"/> bytes at its rate, microseconds (0 when unlimited).</summary>
    public long TransmissionMicroseconds(int size) =>
        _settings.RateBitsPerSecond > 0 ? (long)Math.Ceiling(size * 8e6 / _settings.RateBitsPerSecond) : 0;

    /// <summary>
    /// When a packet released at <paramref name="release"/> really leaves, after one that left at
    /// <paramref name="previousSend"/> (<see cref="long.MinValue"/>: none): not before the previous packet plus its own
    /// <paramref name="transmission"/> time. A sender that woke late must not let the overdue packets out back to back:
    /// a link never delivers faster than its rate, and a burst of arrivals reads as a link faster than the one set (a
    /// 300 kbit/s link "carried" probe clusters at 441 and 587 kbit/s in the browser bench). The backlog drains at the
    /// rate, as a stalled link's would.
    /// </summary>
    public static long SendTime(long release, long previousSend, long transmission) =>
        previousSend == long.MinValue ? release : Math.Max(release, previousSend + transmission);

    /// <summary>Offers a packet of <paramref name="size"/> bytes at <paramref name="now"/>; false when dropped.</summary>
    public bool TryAdmit(long now, int size, out long release)
    {
        release = 0;
        var departure = now;
        if (_settings.RateBitsPerSecond > 0)
        {
            while (_waiting.Count > 0 && _waiting.Peek().Departure <= now)
            {
                _waitingBytes -= _waiting.Dequeue().Size;
            }

            if (_waitingBytes + size > _settings.QueueLimitBytes)
            {
                QueueDrops++;
                return false;
            }

            departure = Math.Max(now, _lastDeparture);
            var tokens = _tokensAt == long.MinValue
                ? _settings.BurstBytes
                : Math.Min(_settings.BurstBytes, _tokens + ((departure - _tokensAt) * _settings.RateBitsPerSecond / 8e6));
            if (tokens < size)
            {
                departure += (long)Math.Ceiling((size - tokens) * 8e6 / _settings.RateBitsPerSecond);
                tokens = size;
            }

            _tokens = tokens - size;
            _tokensAt = departure;
            _lastDeparture = departure;
            if (departure > now)
            {
                _waiting.Enqueue((departure, size));
                _waitingBytes += size;
            }
        }

        if (_settings.LossRate > 0 && _random.NextDouble() < _settings.LossRate)
        {
            RandomDrops++;
            return false;
        }

        var jitter = _settings.Jitter > TimeSpan.Zero ? _random.NextInt64((long)(_settings.Jitter.TotalMicroseconds + 1)) : 0;
        release = Math.Max(_lastRelease, departure + (long)_settings.Delay.TotalMicroseconds + jitter);
        _lastRelease = release;
        return true;
    }
}
