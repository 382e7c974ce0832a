using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Recording;
using Parley.Server.RoomMedia;
using Parley.Server.Tests.Hubs;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Recording.RecordingMediaTests;

namespace Parley.Server.Tests.Recording;

/// <summary>
/// A server recording onto a real, tiny disk (a 512 KiB tmpfs, mounted for the test and unmounted after): needs root,
/// as CI has, and says so rather than skipping.
/// </summary>
public sealed class SmallDiskRecordingFixture : HubServerFixture
{
    public SmallDiskRecordingFixture()
        : this(Directory.CreateTempSubdirectory("parley-recordings-full-").FullName)
    {
    }

    private SmallDiskRecordingFixture(string mountPoint)
        : base(new SqliteDatabaseFixture(), new Dictionary<string, string>
        {
            ["Recording:Path"] = Mount(mountPoint),
            // The start check would refuse on so small a disk; this test is about the disk filling while recording.
            ["Recording:MinFreeBytes"] = "0",
            ["Recording:StopTimeout"] = "00:00:05",
        }) => MountPoint = mountPoint;

    public string MountPoint { get; }

    public override async Task DisposeAsync()
    {
        // The server first: its shutdown ends every ffmpeg writing there, so the unmount is not busy.
        await base.DisposeAsync();
        Run("umount", MountPoint);
        Directory.Delete(MountPoint);
    }

    private static string Mount(string mountPoint)
    {
        var uid = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2];
        if (uid != "0")
        {
            Directory.Delete(mountPoint);
            throw new InvalidOperationException($"The disk-full recording test mounts a tmpfs and must run as root (as CI does); effective uid is {uid}.");
        }

        Run("mount", "-t", "tmpfs", "-o", "size=512k,mode=0755", "tmpfs", mountPoint);
        return mountPoint;
    }

    private static void Run(string executable, params string[] arguments)
    {
        var info = new ProcessStartInfo(executable) { RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(30_000) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{executable} {string.Join(' ', arguments)} failed: {error}");
        }
    }
}

/// <summary>The disk filling while recording: the recording stops as failed with a readable reason; the meeting goes on.</summary>
public sealed class RecordingDiskFullTests(SmallDiskRecordingFixture fixture) : IClassFixture<SmallDiskRecordingFixture>
{
    private HubServer Server => fixture.Server;

    [Fact]
    public async Task A_disk_that_fills_while_recording_fails_the_recording_stops_ffmpeg_and_the_meeting_goes_on()
    {
        Assert.Equal(fixture.MountPoint, Server.Services.GetRequiredService<RecordingService>().Root);
        var owner = await Server.RegisterAsync("Owner");
        var (roomId, host, visitor, _) = await Server.TwoInARoomAsync(owner);
        await using var __ = host;
        await using var ___ = visitor;
        await using var cam = await RtpSource.StartAsync(Server, roomId, host, MediaSource.Cam);
        await using var mic = await RtpSource.StartAsync(Server, roomId, host, MediaSource.Mic);

        var recordingId = (await host.InvokeAsync("startRecording", new { })).GetProperty("recordingId").GetString()!;
        await visitor.NextAsync("recordingStarted");

        // 512 KiB fill within seconds (VP8 at 300 kbit/s and Opus): everyone is told the recording stopped.
        var stopped = await visitor.NextAsync("recordingStopped", TimeSpan.FromSeconds(120));
        Assert.Equal(recordingId, stopped.GetProperty("recordingId").GetString());
        var failed = await WaitForStatusAsync(Server, owner, recordingId, "failed");
        var error = failed.GetProperty("error").GetString()!;
        Assert.StartsWith("The recording stopped because the disk holding the recordings is full (", error, StringComparison.Ordinal);
        Assert.Contains("No space left on device", error, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("mimeType").ValueKind);
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("sizeBytes").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, failed.GetProperty("endedAt").ValueKind);

        // No ffmpeg left writing there, and nothing half-written left behind or offered.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (FfmpegsIn(fixture.MountPoint).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "an ffmpeg still works in the full recording folder 30 s after the recording failed");
            await Task.Delay(100);
        }

        Assert.False(Directory.Exists(RecordingFiles.RecordingFolder(fixture.MountPoint, roomId, recordingId)));
        using (var file = await Server.Http.SendAsync(Request(HttpMethod.Get, $"/api/recordings/{recordingId}/file", owner)))
        {
            Assert.Equal(HttpStatusCode.Conflict, file.StatusCode);
        }

        using (var list = await Server.Http.SendAsync(Request(HttpMethod.Get, $"/api/rooms/{roomId}/recordings", owner)))
        {
            var recordings = (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("recordings");
            Assert.Equal("failed", Assert.Single(recordings.EnumerateArray()).GetProperty("status").GetString());
        }

        // The meeting goes on: the host's camera and microphone still flow, and someone joining now sees no recording.
        var room = Server.Services.GetRequiredService<MediaRooms>().FindRoom(roomId)!;
        var producers = room.Peers.Values.SelectMany(p => p.Producers.Values).Select(p => p.Producer).ToList();
        Assert.Contains(producers, p => p.Id == cam.ProducerId && !p.IsClosed);
        Assert.Contains(producers, p => p.Id == mic.ProducerId && !p.IsClosed);
        var late = await Server.ConnectAsync(await Server.GuestAsync("Late guest"));
        await using var ____ = late;
        Assert.Equal(JsonValueKind.Null, (await late.JoinAsync(roomId)).GetProperty("recording").ValueKind);
        Assert.Equal("Not recording", await host.RefusedAsync("stopRecording", new { }));
    }
}
