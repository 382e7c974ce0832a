using System.Globalization;
using System.Text;

namespace Parley.Server.Recording;

/// <summary>
/// One recorded track as the composition sees it: its file, what it is, and where it starts on the meeting's timeline.
/// Videos with the same <paramref name="Slot"/> (one person's camera turned off and on again, or restarted after a
/// crash: files one after another) share one cell; null gives the track a cell of its own.
/// </summary>
internal sealed record CompositionTrack(string Path, bool IsVideo, bool IsScreen, double OffsetSeconds, string? Slot = null);

/// <summary>The composition's output: the canvas, the frame rate and the meeting's length.</summary>
internal sealed record CompositionTarget(string OutputPath, double DurationSeconds, int Width, int Height, int FrameRate);

/// <summary>
/// The ffmpeg arguments that compose a meeting's tracks into one H264/AAC MP4 (a pure function, tested for its layout
/// and offsets): each video is scaled into its <see cref="CompositionLayout"/> cell and overlaid on a black canvas from
/// its offset on; each audio is delayed to its offset and all are mixed over silence that lasts the meeting; the
/// result is encoded once.
/// </summary>
internal static class CompositionCommand
{
    public const string MimeType = "video/mp4";

    public const string FileExtension = ".mp4";

    public static IReadOnlyList<string> Build(IReadOnlyList<CompositionTrack> tracks, CompositionTarget target)
    {
        var invariant = CultureInfo.InvariantCulture;
        var duration = Seconds(target.DurationSeconds);
        var args = new List<string> { "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-progress", "pipe:1", "-y" };
        foreach (var track in tracks)
        {
            if (track.IsVideo)
            {
                // A simulcast camera changes size when the SFU switches its layer; by default ffmpeg then rebuilds the
                // whole graph mid-file, and that track shows black from there on. The scale filter takes any size.
                args.AddRange(["-reinit_filter", "0"]);
            }

            args.Add("-i");
            args.Add(track.Path);
        }

        var graph = new StringBuilder();
        graph.Append(invariant, $"color=c=black:s={target.Width}x{target.Height}:r={target.FrameRate}:d={duration}[base]");

        var videos = tracks.Select((t, i) => (Track: t, Input: i, Slot: t.Slot ?? $"#{i}")).Where(v => v.Track.IsVideo).ToList();
        var slots = videos.OrderByDescending(v => v.Track.IsScreen).Select(v => (v.Slot, v.Track.IsScreen)).Distinct().ToList();
        var cells = CompositionLayout.Place(slots.Count(s => s.IsScreen), slots.Count(s => !s.IsScreen), target.Width, target.Height);
        videos = [.. videos.OrderBy(v => slots.FindIndex(s => s.Slot == v.Slot)).ThenBy(v => v.Input)];
        var canvas = "base";
        for (var i = 0; i < videos.Count; i++)
        {
            var (track, input, slot) = videos[i];
            var cell = cells[slots.FindIndex(s => s.Slot == slot)];
            graph.Append(invariant, $";[{input}:v]setpts=PTS-STARTPTS+{Seconds(track.OffsetSeconds)}/TB,fps={target.FrameRate},")
                .Append(invariant, $"scale={cell.Width}:{cell.Height}:force_original_aspect_ratio=decrease:force_divisible_by=2,")
                .Append(invariant, $"pad={cell.Width}:{cell.Height}:(ow-iw)/2:(oh-ih)/2,setsar=1[v{i}]");
            var next = i == videos.Count - 1 ? "vmix" : $"c{i}";
            graph.Append(invariant, $";[{canvas}][v{i}]overlay=x={cell.X}:y={cell.Y}:eof_action=pass[{next}]");
            canvas = next;
        }

        graph.Append(invariant, $";[{canvas}]format=yuv420p[vout]");

        // Silence first, as long as the meeting: amix's duration=first makes the mix exactly that long.
        graph.Append(invariant, $";anullsrc=r=48000:cl=stereo,atrim=duration={duration}[silence]");
        var audios = tracks.Select((t, i) => (Track: t, Input: i)).Where(a => !a.Track.IsVideo).ToList();
        for (var i = 0; i < audios.Count; i++)
        {
            var (track, input) = audios[i];
            var delay = (long)Math.Round(track.OffsetSeconds * 1000, MidpointRounding.AwayFromZero);
            graph.Append(invariant, $";[{input}:a]aresample=48000:async=1:first_pts=0,aformat=channel_layouts=stereo,adelay=delays={delay}:all=1[a{i}]");
        }

        graph.Append(";[silence]");
        for (var i = 0; i < audios.Count; i++)
        {
            graph.Append(invariant, $"[a{i}]");
        }

        graph.Append(invariant, $"amix=inputs={audios.Count + 1}:duration=first:dropout_transition=0:normalize=0[aout]");

        args.AddRange([
            "-filter_complex", graph.ToString(),
            "-map", "[vout]", "-map", "[aout]",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-r", target.FrameRate.ToString(invariant),
            "-c:a", "aac", "-b:a", "128k",
            "-t", duration,
            "-movflags", "+faststart",
            target.OutputPath,
        ]);
        return args;
    }

    private static string Seconds(double seconds) => Math.Max(0, seconds).ToString("0.###", CultureInfo.InvariantCulture);
}
