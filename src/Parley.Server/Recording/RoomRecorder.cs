using System.Collections.Concurrent;
using System.Diagnostics;
using Parley.Media.Routing;
using Parley.Server.RoomMedia;

namespace Parley.Server.Recording;

/// <summary>
/// A room's running recording: a <see cref="TrackRecorder"/> per producer (those there at the start and those added
/// later), the meeting's timeline (a monotonic clock from the start), and the manifest on disk that the composition,
/// and a restart after a crash, read.
/// </summary>
internal sealed class RoomRecorder(
    string recordingId, string roomId, DateTime startedAt, string folder, RecordingSettings settings, ILogger logger)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly ConcurrentDictionary<string, TrackRecorder> _tracks = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Task> _work = [];
    private readonly ConcurrentDictionary<string, int> _segmentNumbers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _manifestGate = new(1, 1);
    private readonly RecordingManifest _manifest = new(recordingId, roomId, startedAt, [], []);
    private volatile bool _stopped;
    private int _diskFull;

    public string RecordingId => recordingId;

    public string RoomId => roomId;

    public DateTime StartedAt => startedAt;

    public string Folder => folder;

    /// <summary>
    /// Raised once (on a pool thread) when a track finds the disk full: the recording cannot go on, and its owner stops
    /// it as failed. The argument is what the failing writer said.
    /// </summary>
    public event Action<RoomRecorder, string>? DiskFull;

    /// <summary>Time on the meeting's timeline.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    /// <summary>Starts recording a producer (once per producer); the work runs in the background and <see cref="StopAsync"/> waits for it.</summary>
    public void Add(Router router, ProducerEntry producer)
    {
        if (_stopped || producer.Producer.IsClosed)
        {
            return;
        }

        var track = new TrackRecorder(this, router, producer, settings, logger);
        if (!_tracks.TryAdd(producer.Producer.Id, track))
        {
            return;
        }

        producer.Producer.Closed += (_, _) => _work.Add(StopTrackAsync(producer.Producer.Id));
        _work.Add(track.StartAsync());
    }

    /// <summary>Stops every track and lets each ffmpeg finish its file; answers the manifest.</summary>
    public async Task<RecordingManifest> StopAsync()
    {
        _stopped = true;
        // Tracks still starting finish starting first, so that none is left running.
        await Task.WhenAll(_work.ToArray());
        await Task.WhenAll(_tracks.Values.Select(t => t.StopAsync()));
        await Task.WhenAll(_work.ToArray());
        try
        {
            return await WithManifestAsync(() => { });
        }
        catch (IOException e) when (RecordingDisk.SaysFull(e.Message))
        {
            // The disk is full: the manifest on disk stays as it last was; the caller gets the whole one.
            return _manifest with { Segments = [.. _manifest.Segments], Gaps = [.. _manifest.Gaps] };
        }
    }

    /// <summary>
    /// The next file number for a person's source (<c>{user}-{source}-{n}</c>): counted per recording, not per producer,
    /// since a camera turned off and on again is a new producer whose file must not overwrite the first.
    /// </summary>
    public int NextSegmentNumber(string name) => _segmentNumbers.AddOrUpdate(name, 1, (_, n) => n + 1);

    /// <summary>A track could not write for want of space (see <see cref="DiskFull"/>).</summary>
    public void ReportDiskFull(string error)
    {
        if (!_stopped && Interlocked.Exchange(ref _diskFull, 1) == 0)
        {
            DiskFull?.Invoke(this, error);
        }
    }

    public Task AddSegmentAsync(TrackSegment segment) => WithManifestAsync(() => _manifest.Segments.Add(segment));

    public Task AddGapAsync(TrackGap gap) => WithManifestAsync(() => _manifest.Gaps.Add(gap));

    /// <summary>Writes the manifest, so that a crash of the server still leaves what the composition needs.</summary>
    public Task WriteManifestAsync() => WithManifestAsync(() => { });

    private async Task StopTrackAsync(string producerId)
    {
        if (_tracks.TryGetValue(producerId, out var track))
        {
            await track.StopAsync();
        }
    }

    private async Task<RecordingManifest> WithManifestAsync(Action change)
    {
        await _manifestGate.WaitAsync();
        try
        {
            change();
            await RecordingFiles.WriteManifestAsync(folder, _manifest);
            return _manifest with { Segments = [.. _manifest.Segments], Gaps = [.. _manifest.Gaps] };
        }
        finally
        {
            _manifestGate.Release();
        }
    }
}
