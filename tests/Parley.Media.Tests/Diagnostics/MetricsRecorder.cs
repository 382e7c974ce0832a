using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Parley.Media.Tests.Diagnostics;

/// <summary>Reads the observable instruments of one meter through a <see cref="MeterListener"/>, as an exporter would.</summary>
internal sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _values = new();
    private readonly ConcurrentDictionary<string, string?> _units = new();

    public MetricsRecorder(string meterName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName)
            {
                _units[instrument.Name] = instrument.Unit;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _values[Key(instrument.Name, tags)] = value);
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => _values[Key(instrument.Name, tags)] = value);
        _listener.Start();
    }

    /// <summary>Instrument names with their units.</summary>
    public IReadOnlyDictionary<string, string?> Instruments => _units;

    /// <summary>Runs every observable callback now and returns what they reported.</summary>
    public Observation Observe()
    {
        _values.Clear();
        _listener.RecordObservableInstruments();
        return new Observation(new Dictionary<string, long>(_values));
    }

    public void Dispose() => _listener.Dispose();

    private static string Key(string name, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return name;
        }

        var parts = new List<string>(tags.Length);
        foreach (var tag in tags)
        {
            parts.Add($"{tag.Key}={tag.Value}");
        }

        parts.Sort(StringComparer.Ordinal);
        return $"{name}{{{string.Join(',', parts)}}}";
    }

    /// <summary>One collection: values by instrument name, with tags as <c>name{a=1,b=2}</c> in sorted order.</summary>
    public sealed class Observation(IReadOnlyDictionary<string, long> values)
    {
        public IReadOnlyDictionary<string, long> Values => values;

        public long this[string key] => values.TryGetValue(key, out var value)
            ? value
            : throw new KeyNotFoundException($"No measurement {key}; have: {string.Join(", ", values.Keys)}");
    }
}
