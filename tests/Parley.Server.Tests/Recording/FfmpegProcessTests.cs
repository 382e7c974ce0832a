using Parley.Server.Recording;

namespace Parley.Server.Tests.Recording;

public sealed class FfmpegProcessTests
{
    [Fact]
    public async Task Stopping_an_ffmpeg_that_waits_for_rtp_ends_it_with_sigint_not_a_kill()
    {
        var folder = Directory.CreateTempSubdirectory("parley-ffmpeg-").FullName;
        try
        {
            var port = LocalPorts.FreeRtpPair();
            await File.WriteAllTextAsync(Path.Combine(folder, "t.sdp"), TrackSdp.Build(new TrackSdpInput(true, port, 96, "VP8", 90000, null, [])));
            using var ffmpeg = FfmpegProcess.Start("ffmpeg", ["-hide_banner", "-protocol_whitelist", "file,udp,rtp", "-i", "t.sdp", "-c", "copy", "-y", "t.webm"], folder);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!UdpPortTable.IsBound(port))
            {
                Assert.True(DateTime.UtcNow < deadline, "ffmpeg did not bind its port");
                await Task.Delay(20);
            }

            // No RTP ever arrives: 'q' is not read while ffmpeg probes, SIGINT is.
            await ffmpeg.StopAsync(TimeSpan.FromSeconds(20));

            Assert.True(ffmpeg.Completion.IsCompleted);
            // Interrupted, ffmpeg ends on its own ("Output file does not contain any stream", exit code 1); a kill would be 137.
            Assert.Equal(1, ffmpeg.ExitCode);
            Assert.Contains("does not contain any stream", ffmpeg.ErrorTail, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
