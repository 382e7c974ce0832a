using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Parley.Server.Recording;
using static Microsoft.Playwright.Assertions;

namespace Parley.EndToEnd.Tests;

/// <summary>A host records a meeting in Chromium (fake camera and microphone); the others see it; the file plays.</summary>
[Collection(MeetingCollection.Name)]
public sealed class RecordingTests(MeetingFixture fixture)
{
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

    private static async Task<string> RunAsync(string executable, params string[] arguments)
    {
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}
