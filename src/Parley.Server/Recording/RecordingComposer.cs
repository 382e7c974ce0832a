using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Parley.Server.Recording;

/// <summary>The composed file of a recording, measured.</summary>
internal sealed record ComposedFile(string FileName, long SizeBytes, double DurationSeconds, string MimeType);

/// <summary>
/// Runs the composition: the segments that hold media become <see cref="CompositionTrack"/>s, one ffmpeg encodes the
/// file (<see cref="CompositionCommand"/>), its <c>-progress</c> output is reported, and ffprobe measures the result.
/// </summary>
internal sealed class RecordingComposer(IOptions<RecordingSettings> options, ILogger<RecordingComposer> logger)
{
    public const string OutputName = "recording" + CompositionCommand.FileExtension;

    /// <summary>Composes; throws <see cref="RecordingFailedException"/> with a reason a person can act on.</summary>
    public async Task<ComposedFile> ComposeAsync(
        string recordingId, string folder, RecordingManifest manifest, double? durationSeconds, Action<int> progress, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var tracks = new List<CompositionTrack>();
        var end = 0.0;
        foreach (var segment in manifest.Segments)
        {
            var path = Path.Combine(folder, segment.FileName);
            if (!File.Exists(path) || new FileInfo(path).Length == 0
                || await MediaProbe.DurationAsync(settings.FfprobePath, path, cancellationToken) is not { } length)
            {
                continue; // nothing arrived on it (a track paused throughout, or closed at once)
            }

            tracks.Add(new CompositionTrack(path, segment.IsVideo, segment.IsScreen, segment.OffsetSeconds, $"{segment.UserId}/{segment.Source}"));
            end = Math.Max(end, segment.OffsetSeconds + length);
        }

        var duration = durationSeconds ?? end;
        if (tracks.Count == 0 || duration <= 0)
        {
            throw new RecordingFailedException("Nothing was recorded: no camera, screen or microphone sent media while the recording ran.");
        }

        var output = Path.Combine(folder, OutputName);
        RecordingLog.Composing(logger, recordingId, tracks.Count, duration);
        var arguments = CompositionCommand.Build(tracks, new CompositionTarget(OutputName, duration, settings.Width, settings.Height, settings.FrameRate));
        var lastPercent = -1;
        var clock = Stopwatch.StartNew();
        using var ffmpeg = FfmpegProcess.Start(settings.FfmpegPath, arguments, folder, line =>
        {
            if (line.StartsWith("out_time_us=", StringComparison.Ordinal)
                && long.TryParse(line.AsSpan("out_time_us=".Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out var micros))
            {
                var percent = (int)Math.Clamp(micros / 1e6 / duration * 100, 0, 100);
                if (percent / 10 != lastPercent / 10)
                {
                    lastPercent = percent;
                    RecordingLog.Progress(logger, recordingId, percent);
                    progress(percent);
                }
            }
        });
        try
        {
            await ffmpeg.Completion.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            ffmpeg.Kill();
            throw;
        }

        if (ffmpeg.ExitCode != 0 || !File.Exists(output))
        {
            throw new RecordingFailedException($"The composition (ffmpeg) failed with exit code {ffmpeg.ExitCode}: {ffmpeg.ErrorTail}");
        }

        var measured = await MediaProbe.DurationAsync(settings.FfprobePath, output, cancellationToken)
            ?? throw new RecordingFailedException("The composed file has no readable media.");
        var size = new FileInfo(output).Length;
        RecordingLog.Ready(logger, recordingId, size, measured, clock.Elapsed.TotalSeconds);
        return new ComposedFile(OutputName, size, measured, CompositionCommand.MimeType);
    }
}

/// <summary>A recording could not be made or composed; the message is for the recording's <c>error</c>.</summary>
internal sealed class RecordingFailedException(string message) : Exception(message);
