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

        Assert.Equal(["-i", "cam-a.webm", "-i", "cam-b.webm"], args.SkipWhile(a => a != "-i").Take(4));
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
