using System.Diagnostics;
using System.Globalization;

namespace Parley.Server.Recording;

/// <summary>Asks ffprobe how long a media file is (null when it has no readable stream).</summary>
internal static class MediaProbe
{
    public static async Task<double?> DurationAsync(string ffprobe, string path, CancellationToken cancellationToken)
    {
        var header = await LastNumberAsync(ffprobe, ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path], cancellationToken);
        // A file whose ffmpeg was killed (a crash) has no duration in its header; its last packet says how long it is.
        return header ?? await LastNumberAsync(ffprobe, ["-v", "error", "-show_entries", "packet=pts_time", "-of", "csv=p=0", path], cancellationToken);
    }

    private static async Task<double?> LastNumberAsync(string ffprobe, string[] arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(ffprobe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("ffprobe did not start.");
        try
        {
            var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l != "N/A");
            return process.ExitCode == 0 && double.TryParse(last, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                ? seconds
                : null;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
