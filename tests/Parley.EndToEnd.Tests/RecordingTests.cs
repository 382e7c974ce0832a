using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Microsoft.Playwright;
using Parley.Server.Recording;
using static Microsoft.Playwright.Assertions;

namespace Parley.EndToEnd.Tests;

/// <summary>A host records a meeting in Chromium (fake camera and microphone); the others see it; the file plays.</summary>
[Collection(MeetingCollection.Name)]
public sealed class RecordingTests(MeetingFixture fixture)
{
    // The shared machine is loaded: the page may take a while to act on a click.
    private static readonly LocatorAssertionsToHaveAttributeOptions Loaded = new() { Timeout = 30_000 };

    [Fact]
    public async Task A_host_records_everyone_sees_the_indicator_and_the_composed_file_has_video_and_audio()
    {
        await using var alice = await fixture.OpenAsync("Alice");
        await using var bob = await fixture.OpenAsync("Bob");
        await using var carol = await fixture.OpenAsync("Carol");
        await alice.SignUpAsync();
        var joinCode = await alice.CreateRoomAsync();
        await alice.EnterCreatedRoomAsync();
        await bob.JoinAsGuestAsync(joinCode);
        await alice.WaitForCameraAndMicAsync(bob);
        await Expect(bob.ByTestId("btn-record")).ToBeHiddenAsync();
        await Expect(bob.ByTestId("recording-indicator")).ToBeHiddenAsync();

        await alice.ByTestId("btn-record").ClickAsync();
        await Expect(alice.ByTestId("btn-record")).ToHaveAttributeAsync("data-recording", "true");
        await Expect(bob.ByTestId("recording-indicator")).ToBeVisibleAsync();
        await Expect(alice.ByTestId("recording-indicator")).ToBeVisibleAsync();
        await bob.ScreenshotAsync("recording-indicator-bob.png");

        // Someone about to join is told on the pre-join screen.
        await carol.Page.GotoAsync($"/r/{joinCode}");
        await carol.ByTestId("guest-name").FillAsync(carol.Name);
        await carol.ByTestId("btn-guest").ClickAsync();
        await Expect(carol.ByTestId("prejoin-recording")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await carol.ScreenshotAsync("recording-prejoin-carol.png");

        // A few seconds of both people's camera and microphone reach the track files.
        var recordings = fixture.Server.Services.GetRequiredService<RecordingService>();
        var recordingId = recordings.Current(alice.RoomId!)!.RecordingId;
        var folder = RecordingFiles.RecordingFolder(recordings.Root, alice.RoomId!, recordingId);
        await WaitUntilAsync(async () =>
        {
            var manifest = await RecordingFiles.ReadManifestAsync(folder);
            return manifest is { Segments.Count: >= 4 }
                && manifest.Segments.All(s => File.Exists(Path.Combine(folder, s.FileName)) && new FileInfo(Path.Combine(folder, s.FileName)).Length > 20_000);
        }, "four tracks with media");

        await alice.ByTestId("btn-record").ClickAsync();
        await Expect(bob.ByTestId("recording-indicator")).ToBeHiddenAsync();
        await Expect(alice.ByTestId("btn-record")).ToHaveAttributeAsync("data-recording", "false");

        await WaitUntilAsync(async () => await StatusAsync(recordingId) is "ready" or "failed", "the composition to finish", TimeSpan.FromMinutes(3));
        Assert.Equal("ready", await StatusAsync(recordingId));
        var probe = await RunAsync("ffprobe", "-v", "error", "-show_entries", "stream=codec_type:format=duration", "-of", "compact=p=0:nk=0", Path.Combine(folder, RecordingComposer.OutputName));
        Assert.Contains("codec_type=video", probe, StringComparison.Ordinal);
        Assert.Contains("codec_type=audio", probe, StringComparison.Ordinal);
        Assert.True(double.Parse(probe.Split("duration=")[1].Trim(), CultureInfo.InvariantCulture) > 1, probe);
    }

    [Fact]
    public async Task A_camera_turned_off_and_on_and_a_screen_share_are_composed_as_laid_out_and_the_file_downloads_through_the_browser()
    {
        await using var alice = await fixture.OpenAsync("Alice");
        await using var bob = await fixture.OpenAsync("Bob");
        await alice.SignUpAsync();
        var joinCode = await alice.CreateRoomAsync();
        await alice.EnterCreatedRoomAsync();
        await bob.JoinAsGuestAsync(joinCode);
        await alice.WaitForCameraAndMicAsync(bob);
        var roomId = alice.RoomId!;

        await alice.ByTestId("btn-record").ClickAsync();
        await Expect(bob.ByTestId("recording-indicator")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var recordings = fixture.Server.Services.GetRequiredService<RecordingService>();
        var recordingId = recordings.Current(roomId)!.RecordingId;
        var folder = RecordingFiles.RecordingFolder(recordings.Root, roomId, recordingId);
        await WaitForSegmentsAsync(folder, s => s.Source == "cam", 2, 1.5, "both cameras");

        // Bob turns his camera off and on again: a new producer, a new file, the same place in the grid.
        await bob.ByTestId("btn-cam").ClickAsync();
        await Expect(bob.ByTestId("btn-cam")).ToHaveAttributeAsync("data-active", "false", Loaded);
        await fixture.Server.WaitForRowAsync(roomId, bob.UserId!, row => row is { Cam: false }, "camera off");
        await bob.ByTestId("btn-cam").ClickAsync();
        await Expect(bob.ByTestId("btn-cam")).ToHaveAttributeAsync("data-active", "true", Loaded);
        await WaitForSegmentsAsync(folder, s => s.Source == "cam" && s.UserId == bob.UserId, 2, 1.5, "Bob's camera again");
        var names = (await RecordingFiles.ReadManifestAsync(folder))!.Segments.Select(s => s.FileName).ToList();
        Assert.True(names.Count == names.Distinct().Count(), $"every segment has a file of its own: {string.Join(", ", names)}");

        // Alice shares her screen for a few seconds.
        await alice.ByTestId("btn-screen").ClickAsync();
        await Expect(alice.ByTestId("btn-screen")).ToHaveAttributeAsync("data-active", "true", Loaded);
        var screen = await WaitForSegmentsAsync(folder, s => s.Source == "screen", 1, 4, "the screen share");

        await alice.ByTestId("btn-record").ClickAsync();
        await Expect(alice.ByTestId("btn-record")).ToHaveAttributeAsync("data-recording", "false", Loaded);
        await WaitUntilAsync(async () => await StatusAsync(recordingId) is "ready" or "failed", "the composition to finish", TimeSpan.FromMinutes(3));
        var row = await RowAsync(recordingId);
        Assert.True(row.Status == "ready", $"recording {row.Status}: {row.Error}");
        var expected = (row.EndedAt!.Value - row.StartedAt).TotalSeconds;
        var file = Path.Combine(folder, RecordingComposer.OutputName);

        var probe = await RunAsync("ffprobe", "-v", "error", "-count_frames", "-show_entries", "stream=codec_type,codec_name,width,height,nb_read_frames:format=duration", "-of", "compact=p=0:nk=0", file);
        var streams = probe.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(streams, l => l.StartsWith("codec_name=h264|codec_type=video|width=1280|height=720|", StringComparison.Ordinal));
        Assert.Contains(streams, l => l.StartsWith("codec_name=aac|codec_type=audio|", StringComparison.Ordinal));
        var duration = double.Parse(probe.Split("duration=")[1].Trim(), CultureInfo.InvariantCulture);
        Assert.InRange(duration, expected - 1, expected + 1);
        var frames = int.Parse(streams.First(l => l.Contains("codec_type=video", StringComparison.Ordinal)).Split("nb_read_frames=")[1].Split('|')[0], CultureInfo.InvariantCulture);
        Assert.InRange(frames, (expected - 1) * 15, (expected + 1) * 15);

        // As the layout defines it (one layout for the whole file): the screen large on the left (960 × 720), black
        // until the share starts; the two cameras in the right column's first two rows (320 × 180 each; Bob's two
        // files share his row), the rest of the column black. "Something shown" is a bright pixel (the fake camera and
        // screen draw white on black); the black canvas is Y 16 (video range), a little more at the cells' edges.
        var at = Math.Min(screen.OffsetSeconds + 2, expected - 0.5);
        var screenArea = await PeakBrightnessAsync(file, at, "960:720:0:0");
        var firstCamera = await PeakBrightnessAsync(file, at, "320:180:960:0");
        var secondCamera = await PeakBrightnessAsync(file, at, "320:180:960:180");
        var emptyRows = await PeakBrightnessAsync(file, at, "320:360:960:360");
        Assert.True(screenArea > 128 && firstCamera > 128 && secondCamera > 128 && emptyRows < 64,
            $"at {at:0.0} s, peak brightness: screen area {screenArea}, camera rows {firstCamera} and {secondCamera}, the empty rows {emptyRows}");
        var before = Math.Max(0.2, screen.OffsetSeconds - 1.5);
        var screenBefore = await PeakBrightnessAsync(file, before, "960:720:0:0");
        var camerasBefore = await PeakBrightnessAsync(file, before, "320:180:960:0");
        Assert.True(screenBefore < 64 && camerasBefore > 128, $"at {before:0.0} s, before the share, peak brightness: screen area {screenBefore}, first camera row {camerasBefore}");

        // The browser downloads the file itself, from a link (no blob in the page).
        await alice.ByTestId("btn-leave").ClickAsync();
        await alice.ByTestId("btn-home").ClickAsync();
        await alice.ByTestId("room-list").GetByTestId("btn-recordings").ClickAsync();
        var item = alice.Page.Locator($"[data-testid=recording-item][data-recording-id='{recordingId}']");
        await Expect(item).ToHaveAttributeAsync("data-status", "ready", Loaded);
        var download = await alice.Page.RunAndWaitForDownloadAsync(() => item.GetByTestId("btn-download-recording").ClickAsync());
        Assert.Contains($"/api/recordings/{recordingId}/download?token=", download.Url, StringComparison.Ordinal);
        Assert.Equal($"recording-{row.StartedAt:yyyy-MM-dd-HHmm}-{recordingId}.mp4", download.SuggestedFilename);
        Assert.Null(await download.FailureAsync());
        Assert.Equal(new FileInfo(file).Length, new FileInfo((await download.PathAsync())!).Length);
    }

    /// <summary>Waits until <paramref name="count"/> segments match, each with at least <paramref name="seconds"/> of media in its file; answers the last.</summary>
    private static async Task<TrackSegment> WaitForSegmentsAsync(string folder, Func<TrackSegment, bool> match, int count, double seconds, string what)
    {
        TrackSegment? last = null;
        await WaitUntilAsync(async () =>
        {
            var segments = (await RecordingFiles.ReadManifestAsync(folder))?.Segments.Where(match).ToList() ?? [];
            if (segments.Count < count)
            {
                return false;
            }

            foreach (var segment in segments)
            {
                if (await MediaSecondsAsync(Path.Combine(folder, segment.FileName)) < seconds)
                {
                    return false;
                }
            }

            last = segments[^1];
            return true;
        }, what);
        return last!;
    }

    /// <summary>How much media a track file being written holds: its last packet's time minus its first.</summary>
    private static async Task<double> MediaSecondsAsync(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        var times = (await RunAsync("ffprobe", "-v", "quiet", "-show_entries", "packet=pts_time", "-of", "csv=p=0", path))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(t => double.TryParse(t.Trim().TrimEnd(','), CultureInfo.InvariantCulture, out var v) ? v : double.NaN)
            .Where(v => !double.IsNaN(v)).ToList();
        return times.Count < 2 ? 0 : times.Max() - times.Min();
    }

    /// <summary>The brightest luma (0–255) in an area (<c>w:h:x:y</c>) of the frame at <paramref name="at"/> seconds.</summary>
    private static async Task<double> PeakBrightnessAsync(string file, double at, string area)
    {
        var output = await RunAsync("ffmpeg", true, "-hide_banner", "-nostdin", "-ss", at.ToString("0.000", CultureInfo.InvariantCulture), "-i", file,
            "-frames:v", "1", "-vf", $"crop={area},signalstats,metadata=print:key=lavfi.signalstats.YMAX", "-f", "null", "-");
        return double.Parse(output.Split("lavfi.signalstats.YMAX=")[1].Split('\n')[0].Trim(), CultureInfo.InvariantCulture);
    }

    private async Task<Data.Entities.Recording> RowAsync(string recordingId)
    {
        await using var scope = fixture.Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        return await db.Recordings.AsNoTracking().FirstAsync(r => r.Id == recordingId);
    }

    private async Task<string?> StatusAsync(string recordingId)
    {
        await using var scope = fixture.Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        return await db.Recordings.Where(r => r.Id == recordingId).Select(r => r.Status).FirstOrDefaultAsync();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {what} in time");
            await Task.Delay(200);
        }
    }

    private static Task<string> RunAsync(string executable, params string[] arguments) => RunAsync(executable, false, arguments);

    /// <summary>Runs a tool to its end; answers its standard output, or its standard error (ffmpeg's filter output goes there).</summary>
    private static async Task<string> RunAsync(string executable, bool standardError, params string[] arguments)
    {
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return standardError ? await error : await output;
    }
}
