using System.Diagnostics;
using System.Globalization;
using Parley.Server.Recording;

namespace Parley.Server.Tests.Recording;

public sealed class CompositionCommandTests
{
    private static readonly CompositionTarget Target = new("out.mp4", 10.5, 1280, 720, 15);

    [Fact]
    public void Each_video_is_placed_in_its_cell_from_its_offset()
    {
        var args = CompositionCommand.Build(
            [new CompositionTrack("cam-a.webm", true, false, 0), new CompositionTrack("cam-b.webm", true, false, 2.25)], Target);
        var graph = Graph(args);

        Assert.Equal(["-reinit_filter", "0", "-i", "cam-a.webm", "-reinit_filter", "0", "-i", "cam-b.webm"], args.SkipWhile(a => a != "-reinit_filter").Take(8));
        Assert.StartsWith("color=c=black:s=1280x720:r=15:d=10.5[base]", graph);
        Assert.Contains("[0:v]setpts=PTS-STARTPTS+0/TB,fps=15,scale=640:720:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=640:720:(ow-iw)/2:(oh-ih)/2,setsar=1[v0]", graph);
        Assert.Contains("[1:v]setpts=PTS-STARTPTS+2.25/TB,fps=15,scale=640:720:", graph);
        Assert.Contains("[base][v0]overlay=x=0:y=0:eof_action=pass[c0]", graph);
        Assert.Contains("[c0][v1]overlay=x=640:y=0:eof_action=pass[vmix]", graph);
        Assert.Contains("[vmix]format=yuv420p[vout]", graph);
        Assert.Equal("10.5", args[args.ToList().IndexOf("-t") + 1]);
        Assert.Equal("out.mp4", args[^1]);
    }

    [Fact]
    public void Audio_is_delayed_to_its_offset_and_mixed_over_silence_as_long_as_the_meeting()
    {
        var args = CompositionCommand.Build(
            [new CompositionTrack("mic-a.webm", false, false, 0.5), new CompositionTrack("cam.webm", true, false, 0), new CompositionTrack("mic-b.webm", false, false, 3.0004)], Target);
        var graph = Graph(args);

        Assert.Contains("anullsrc=r=48000:cl=stereo,atrim=duration=10.5[silence]", graph);
        Assert.Contains("[0:a]aresample=48000:async=1:first_pts=0,aformat=channel_layouts=stereo,adelay=delays=500:all=1[a0]", graph);
        Assert.Contains("[2:a]aresample=48000:async=1:first_pts=0,aformat=channel_layouts=stereo,adelay=delays=3000:all=1[a1]", graph);
        Assert.Contains("[silence][a0][a1]amix=inputs=3:duration=first:dropout_transition=0:normalize=0[aout]", graph);
        // The one video fills the canvas.
        Assert.Contains("[1:v]setpts=PTS-STARTPTS+0/TB,fps=15,scale=1280:720:", graph);
    }

    [Fact]
    public void A_screen_share_goes_first_and_large_whatever_its_input_order()
    {
        var graph = Graph(CompositionCommand.Build(
            [new CompositionTrack("cam.webm", true, false, 0), new CompositionTrack("screen.webm", true, true, 4)], Target));

        Assert.Contains("[1:v]setpts=PTS-STARTPTS+4/TB,fps=15,scale=960:720:", graph);
        Assert.Contains("[base][v0]overlay=x=0:y=0:", graph);
        Assert.Contains("[0:v]setpts=PTS-STARTPTS+0/TB,fps=15,scale=320:180:", graph);
        Assert.Contains("[c0][v1]overlay=x=960:y=0:", graph);
    }

    [Fact]
    public void A_camera_turned_off_and_on_again_keeps_its_cell()
    {
        var graph = Graph(CompositionCommand.Build(
            [
                new CompositionTrack("a-cam-1.webm", true, false, 0, "a/cam"), new CompositionTrack("b-cam-1.webm", true, false, 0, "b/cam"),
                new CompositionTrack("a-cam-2.webm", true, false, 5, "a/cam"), new CompositionTrack("a-screen-1.webm", true, true, 6, "a/screen"),
            ],
            Target));

        // The screen large on the left; two camera slots (not three files) in the right column, a's second file where its first was.
        Assert.Contains("[3:v]setpts=PTS-STARTPTS+6/TB,fps=15,scale=960:720:", graph);
        Assert.Contains("[base][v0]overlay=x=0:y=0:", graph);
        Assert.Contains("[0:v]setpts=PTS-STARTPTS+0/TB,fps=15,scale=320:180:", graph);
        Assert.Contains("[c0][v1]overlay=x=960:y=0:", graph);
        Assert.Contains("[2:v]setpts=PTS-STARTPTS+5/TB,fps=15,scale=320:180:", graph);
        Assert.Contains("[c1][v2]overlay=x=960:y=0:", graph);
        Assert.Contains("[c2][v3]overlay=x=960:y=180:eof_action=pass[vmix]", graph);
    }

    [Fact]
    public async Task A_camera_that_changes_size_midway_stays_in_the_picture()
    {
        var folder = Directory.CreateTempSubdirectory("parley-compose-").FullName;
        try
        {
            // What a simulcast layer switch leaves in a track file: 2 s at 640x360, then 2 s at 1280x720.
            await RunAsync("ffmpeg", folder, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=15:d=2", "-c:v", "libvpx", "-b:v", "300k", "small.webm");
            await RunAsync("ffmpeg", folder, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=1280x720:r=15:d=2", "-c:v", "libvpx", "-b:v", "600k", "large.webm");
            await File.WriteAllTextAsync(Path.Combine(folder, "list.txt"), "file small.webm\nfile large.webm\n");
            await RunAsync("ffmpeg", folder, "-hide_banner", "-loglevel", "error", "-f", "concat", "-i", "list.txt", "-c", "copy", "cam.webm");
            var args = CompositionCommand.Build([new CompositionTrack("cam.webm", true, false, 0)], new CompositionTarget("out.mp4", 4, 320, 180, 15));

            await RunAsync("ffmpeg", folder, [.. args]);

            var stats = await RunAsync("ffprobe", folder, "-v", "error", "-f", "lavfi", "-i", "movie=out.mp4,signalstats", "-show_entries", "frame_tags=lavfi.signalstats.YMAX", "-of", "csv=p=0");
            var peaks = stats.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => int.Parse(l.Trim(), CultureInfo.InvariantCulture)).ToList();
            Assert.InRange(peaks.Count, 55, 65);
            Assert.True(peaks.Skip(35).All(p => p > 128), $"after the size change the frames are black: peak luma {string.Join(' ', peaks)}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Ffmpeg_composes_a_late_track_into_a_file_as_long_as_the_meeting()
    {
        var folder = Directory.CreateTempSubdirectory("parley-compose-").FullName;
        try
        {
            await RunAsync("ffmpeg", folder, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=15:d=2",
                "-c:v", "libvpx", "-deadline", "realtime", "-b:v", "300k", "cam.webm");
            await RunAsync("ffmpeg", folder, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=f=440:d=2",
                "-c:a", "libopus", "mic.webm");
            var args = CompositionCommand.Build(
                [new CompositionTrack("cam.webm", true, false, 1), new CompositionTrack("mic.webm", false, false, 1.5)],
                new CompositionTarget("out.mp4", 4, 320, 180, 15));

            await RunAsync("ffmpeg", folder, [.. args]);

            var probe = await RunAsync("ffprobe", folder, "-v", "error", "-show_entries", "stream=codec_type,codec_name,width,height:format=duration", "-of", "compact=p=0:nk=0", "out.mp4");
            Assert.Contains("codec_name=h264|codec_type=video|width=320|height=180", probe);
            Assert.Contains("codec_name=aac|codec_type=audio", probe);
            var duration = double.Parse(probe.Split("duration=")[1].Trim(), CultureInfo.InvariantCulture);
            Assert.InRange(duration, 3.8, 4.2);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Graph(IReadOnlyList<string> args) => args[args.ToList().IndexOf("-filter_complex") + 1];

    internal static async Task<string> RunAsync(string executable, string folder, params string[] arguments)
    {
        var info = new ProcessStartInfo(executable) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{executable} failed ({process.ExitCode}): {await error}");
        return await output;
    }
}
