using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Recording;
using Parley.Server.RoomMedia;
using Parley.Server.Tests.Hubs;

namespace Parley.Server.Tests.Recording;

/// <summary>
/// Records real media (VP8 and Opus RTP from ffmpeg into the room's router) through the hub, with a participant who
/// joins and turns the camera on later, and checks the composed file with ffprobe and ffmpeg.
/// </summary>
public sealed class RecordingMediaTests(RecordingSqliteServerFixture fixture) : IClassFixture<RecordingSqliteServerFixture>
{
    private HubServer Server => fixture.Server;

    [Fact]
    public async Task A_meeting_with_a_late_joiner_is_recorded_and_composed_into_one_playable_file()
    {
        var (owner, roomId, host) = await HostInARoomAsync();
        await using var _ = host;
        await using var hostCam = await RtpSource.StartAsync(Server, roomId, host, MediaSource.Cam);
        await using var hostMic = await RtpSource.StartAsync(Server, roomId, host, MediaSource.Mic);

        var recordingId = (await host.InvokeAsync("startRecording", new { })).GetProperty("recordingId").GetString()!;
        var started = await host.NextAsync("recordingStarted");
        Assert.Equal(recordingId, started.GetProperty("recordingId").GetString());
        var folder = await FolderOfAsync(roomId, recordingId);
        await WaitForMediaAsync(folder, hostCam.ProducerId, 50_000);

        // A late joiner learns of the recording from joinRoom's answer, then turns the camera on.
        var guestUser = await Server.GuestAsync("Late guest");
        await using var guest = await Server.ConnectAsync(guestUser);
        var joined = await guest.JoinAsync(roomId);
        Assert.Equal(recordingId, joined.GetProperty("recording").GetProperty("recordingId").GetString());
        await using var guestCam = await RtpSource.StartAsync(Server, roomId, guest, MediaSource.Cam);
        await WaitForMediaAsync(folder, guestCam.ProducerId, 40_000);

        await host.InvokeAsync("stopRecording", new { });
        Assert.Equal(recordingId, (await guest.NextAsync("recordingStopped")).GetProperty("recordingId").GetString());
        var recording = await WaitForStatusAsync(owner, recordingId, "ready");

        var manifest = (await RecordingFiles.ReadManifestAsync(folder))!;
        var hostOffset = manifest.Segments.Single(s => s.ProducerId == hostCam.ProducerId).OffsetSeconds;
        var guestOffset = manifest.Segments.Single(s => s.ProducerId == guestCam.ProducerId).OffsetSeconds;
        Assert.True(guestOffset >= hostOffset + 1, $"the late camera starts at {guestOffset} s, the first at {hostOffset} s");
        Assert.Equal(3, manifest.Segments.Count);
        Assert.All(manifest.Segments, s => Assert.False(File.Exists(Path.Combine(folder, s.FileName)), "track files are removed by default"));

        var expected = (recording.GetProperty("endedAt").GetDateTime() - recording.GetProperty("startedAt").GetDateTime()).TotalSeconds;
        Assert.InRange(recording.GetProperty("durationSeconds").GetDouble(), expected - 1, expected + 1);
        Assert.Equal("video/mp4", recording.GetProperty("mimeType").GetString());
        var file = Path.Combine(folder, RecordingComposer.OutputName);
        Assert.Equal(new FileInfo(file).Length, recording.GetProperty("sizeBytes").GetInt64());

        var probe = await CompositionCommandTests.RunAsync("ffprobe", folder, "-v", "error", "-show_entries", "stream=codec_type,width,height:format=duration", "-of", "compact=p=0:nk=0", RecordingComposer.OutputName);
        Assert.Contains("codec_type=video|width=1280|height=720", probe);
        Assert.Contains("codec_type=audio", probe);
        var volume = await FfmpegStderrAsync(folder, "-i", RecordingComposer.OutputName, "-vn", "-af", "volumedetect", "-f", "null", "-");
        var mean = double.Parse(volume.Split("mean_volume: ")[1].Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.True(mean > -40, $"the tone is in the mix (mean volume {mean} dB)");

        // The second camera's cell (the right half of a two-camera grid) is black before the late joiner's offset and shows them after.
        var before = await RightHalfBrightnessAsync(folder, Math.Max(0, guestOffset - 0.8));
        var after = await RightHalfBrightnessAsync(folder, Math.Min(expected - 0.3, guestOffset + 0.8));
        Assert.True(before < 20 && after > 40, $"right half brightness {before} before the late joiner, {after} after");

        // Downloadable by the host with range requests (a browser seeks with them), by nobody else; deletable.
        using (var range = Request(HttpMethod.Get, $"/api/recordings/{recordingId}/file", owner))
        {
            range.Headers.Range = new RangeHeaderValue(100, 199);
            using var partial = await Server.Http.SendAsync(range);
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal("video/mp4", partial.Content.Headers.ContentType?.MediaType);
            Assert.Equal(100, (await partial.Content.ReadAsByteArrayAsync()).Length);
            Assert.Equal(new FileInfo(file).Length, partial.Content.Headers.ContentRange?.Length);
        }

        using (var whole = await Server.Http.SendAsync(Request(HttpMethod.Get, $"/api/recordings/{recordingId}/file", owner)))
        {
            Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
            Assert.Equal(new FileInfo(file).Length, (await whole.Content.ReadAsByteArrayAsync()).LongLength);
        }

        using (var forbidden = await Server.Http.SendAsync(Request(HttpMethod.Get, $"/api/recordings/{recordingId}/file", guestUser)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }

        var link = await CheckDownloadLinksAsync(owner, guestUser, recordingId, new FileInfo(file).Length);

        using (var deleted = await Server.Http.SendAsync(Request(HttpMethod.Delete, $"/api/recordings/{recordingId}", owner)))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var afterDelete = await Server.Http.GetAsync(link))
        {
            Assert.Equal(HttpStatusCode.NotFound, afterDelete.StatusCode);
        }

        Assert.False(Directory.Exists(folder));
        using var gone = await Server.Http.SendAsync(Request(HttpMethod.Get, $"/api/recordings/{recordingId}", owner));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    /// <summary>
    /// Download links: the file with no other credential (whole and by range), refused when forged, expired, for another
    /// recording, or for someone no longer a host; only hosts get one. Answers a valid link.
    /// </summary>
    private async Task<string> CheckDownloadLinksAsync(TestUser owner, TestUser guest, string recordingId, long size)
    {
        using (var refused = await Server.Http.SendAsync(Request(HttpMethod.Post, $"/api/recordings/{recordingId}/download-link", guest)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using var issued = await Server.Http.SendAsync(Request(HttpMethod.Post, $"/api/recordings/{recordingId}/download-link", owner));
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var body = await issued.Content.ReadFromJsonAsync<JsonElement>();
        var url = body.GetProperty("url").GetString()!;
        var expiresAt = body.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.StartsWith($"/api/recordings/{recordingId}/download?token=", url, StringComparison.Ordinal);
        Assert.InRange(expiresAt, DateTimeOffset.UtcNow.AddMinutes(4), DateTimeOffset.UtcNow.AddMinutes(5.5));

        // No Authorization header: the token in the link is the credential.
        using (var whole = await Server.Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
            Assert.Equal("attachment", whole.Content.Headers.ContentDisposition?.DispositionType);
            Assert.EndsWith($"-{recordingId}.mp4", whole.Content.Headers.ContentDisposition?.FileNameStar, StringComparison.Ordinal);
            Assert.Equal(size, whole.Content.Headers.ContentLength);
            Assert.True(whole.Headers.CacheControl?.NoStore, "a response to a URL with a token is not cached");
            Assert.Contains("bytes", whole.Headers.AcceptRanges);
        }

        using (var range = new HttpRequestMessage(HttpMethod.Get, url))
        {
            range.Headers.Range = new RangeHeaderValue(size - 50, null);
            using var partial = await Server.Http.SendAsync(range);
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal(50, (await partial.Content.ReadAsByteArrayAsync()).Length);
            Assert.Equal(size - 50, partial.Content.Headers.ContentRange?.From);
        }

        var links = Server.Services.GetRequiredService<RecordingDownloadLinks>();
        var token = Uri.UnescapeDataString(url[(url.IndexOf("token=", StringComparison.Ordinal) + 6)..]);
        var forged = token[..20] + (token[20] == 'A' ? 'B' : 'A') + token[21..];
        var expired = links.Issue(recordingId, owner.UserId, DateTimeOffset.UtcNow.AddSeconds(-1));
        var otherRecording = links.Issue("another-recording", owner.UserId, DateTimeOffset.UtcNow.AddMinutes(5));
        var noLongerHost = links.Issue(recordingId, guest.UserId, DateTimeOffset.UtcNow.AddMinutes(5));
        foreach (var (path, status) in (List<(string, HttpStatusCode)>)[
            ($"/api/recordings/{recordingId}/download", HttpStatusCode.Unauthorized),
            ($"/api/recordings/{recordingId}/download?token={Uri.EscapeDataString(forged)}", HttpStatusCode.Unauthorized),
            ($"/api/recordings/{recordingId}/download?token={Uri.EscapeDataString(owner.Token)}", HttpStatusCode.Unauthorized),
            ($"/api/recordings/{recordingId}/download?token={Uri.EscapeDataString(expired)}", HttpStatusCode.Unauthorized),
            ($"/api/recordings/{recordingId}/download?token={Uri.EscapeDataString(otherRecording)}", HttpStatusCode.Forbidden),
            ($"/api/recordings/{recordingId}/download?token={Uri.EscapeDataString(noLongerHost)}", HttpStatusCode.Forbidden),
            ($"/api/recordings/another-recording/download?token={Uri.EscapeDataString(otherRecording)}", HttpStatusCode.NotFound),
        ])
        {
            using var response = await Server.Http.GetAsync(path);
            Assert.True(status == response.StatusCode, $"{path}: {(int)response.StatusCode}, expected {(int)status}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        return url;
    }

    internal static HttpRequestMessage Request(HttpMethod method, string path, TestUser user)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        return request;
    }

    [Fact]
    public async Task A_killed_track_ffmpeg_is_restarted_from_a_keyframe_and_the_gap_noted()
    {
        var (owner, roomId, host) = await HostInARoomAsync();
        await using var _ = host;
        await using var cam = await RtpSource.StartAsync(Server, roomId, host, MediaSource.Cam);
        var recordingId = (await host.InvokeAsync("startRecording", new { })).GetProperty("recordingId").GetString()!;
        var folder = await FolderOfAsync(roomId, recordingId);
        await WaitForMediaAsync(folder, cam.ProducerId, 20_000);

        var trackFfmpeg = Assert.Single(FfmpegsIn(folder));
        trackFfmpeg.Kill();
        await trackFfmpeg.WaitForExitAsync();

        // A new segment from a keyframe, with the gap in the manifest.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        RecordingManifest manifest;
        while ((manifest = (await RecordingFiles.ReadManifestAsync(folder))!).Segments.Count < 2 || manifest.Gaps.Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no new segment within 60 s of killing the track's ffmpeg");
            await Task.Delay(100);
        }

        var gap = Assert.Single(manifest.Gaps);
        Assert.Equal(cam.ProducerId, gap.ProducerId);
        Assert.True(gap.ToSeconds >= gap.FromSeconds);
        Assert.True(manifest.Segments[1].OffsetSeconds >= gap.FromSeconds);
        await WaitForMediaAsync(folder, cam.ProducerId, 20_000);

        await host.InvokeAsync("stopRecording", new { });
        var recording = await WaitForStatusAsync(owner, recordingId, "ready");
        var expected = (recording.GetProperty("endedAt").GetDateTime() - recording.GetProperty("startedAt").GetDateTime()).TotalSeconds;
        Assert.InRange(recording.GetProperty("durationSeconds").GetDouble(), expected - 1, expected + 1);
        Assert.Empty(FfmpegsIn(folder));
    }

    /// <summary>The ffmpeg processes working in a folder or below it (the track recorders'; the test's senders work elsewhere).</summary>
    internal static List<System.Diagnostics.Process> FfmpegsIn(string folder)
    {
        var found = new List<System.Diagnostics.Process>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid))
            {
                continue;
            }

            try
            {
                if (Path.GetFileName(new FileInfo(Path.Combine(entry, "exe")).LinkTarget) == "ffmpeg"
                    && new DirectoryInfo(Path.Combine(entry, "cwd")).LinkTarget is { } cwd
                    && (cwd == folder || cwd.StartsWith(folder + "/", StringComparison.Ordinal)))
                {
                    found.Add(System.Diagnostics.Process.GetProcessById(pid));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                // Gone meanwhile.
            }
        }

        return found;
    }

    private async Task<(TestUser Owner, string RoomId, HubClient Host)> HostInARoomAsync()
    {
        var owner = await Server.RegisterAsync("Owner");
        var roomId = await Server.CreateRoomAsync(owner);
        var host = await Server.ConnectAsync(owner);
        await host.JoinAsync(roomId);
        return (owner, roomId, host);
    }

    private async Task<string> FolderOfAsync(string roomId, string recordingId) =>
        await Task.FromResult(RecordingFiles.RecordingFolder(Server.Services.GetRequiredService<RecordingService>().Root, roomId, recordingId));

    /// <summary>Waits until the producer's track file holds at least <paramref name="bytes"/>.</summary>
    internal static async Task WaitForMediaAsync(string folder, string producerId, long bytes)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            var manifest = await RecordingFiles.ReadManifestAsync(folder);
            var segment = manifest?.Segments.LastOrDefault(s => s.ProducerId == producerId);
            if (segment is not null && File.Exists(Path.Combine(folder, segment.FileName)) && new FileInfo(Path.Combine(folder, segment.FileName)).Length >= bytes)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no {bytes} bytes of {producerId} recorded within 120 s");
            await Task.Delay(100);
        }
    }

    internal static async Task<JsonElement> WaitForStatusAsync(HubServer server, TestUser owner, string recordingId, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/recordings/{recordingId}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", owner.Token);
            using var response = await server.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var recording = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("recording");
            var now = recording.GetProperty("status").GetString();
            if (now == status)
            {
                return recording;
            }

            Assert.True(now is "recording" or "processing", $"recording {recordingId} is {now}: {recording}");
            Assert.True(DateTime.UtcNow < deadline, $"recording {recordingId} still {now} after 120 s");
            await Task.Delay(200);
        }
    }

    private Task<JsonElement> WaitForStatusAsync(TestUser owner, string recordingId, string status) =>
        WaitForStatusAsync(Server, owner, recordingId, status);

    private static async Task<double> RightHalfBrightnessAsync(string folder, double at)
    {
        var output = await FfmpegStderrAsync(folder, "-ss", at.ToString("0.000", CultureInfo.InvariantCulture), "-i", RecordingComposer.OutputName,
            "-frames:v", "1", "-vf", "crop=640:720:640:0,signalstats,metadata=print:key=lavfi.signalstats.YAVG", "-f", "null", "-");
        return double.Parse(output.Split("lavfi.signalstats.YAVG=")[1].Split('\n')[0].Trim(), CultureInfo.InvariantCulture);
    }

    private static async Task<string> FfmpegStderrAsync(string folder, params string[] arguments)
    {
        var info = new System.Diagnostics.ProcessStartInfo("ffmpeg") { WorkingDirectory = folder, RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true };
        foreach (var argument in (string[])["-hide_banner", "-nostdin", .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return await error;
    }
}
