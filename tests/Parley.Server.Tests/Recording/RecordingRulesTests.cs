using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Server.Recording;
using Parley.Server.Tests.Hubs;
using static Parley.Server.Tests.Recording.RecordingMediaTests;

namespace Parley.Server.Tests.Recording;

/// <summary>Who may record, the refusals the contract names, the disk-space check, and the endpoints' 403/404 — on both databases.</summary>
public abstract class RecordingRulesTests
{
    protected abstract HubServer Server { get; }

    [Fact]
    public async Task Only_hosts_start_and_stop_and_the_contract_refusals_say_why()
    {
        var owner = await Server.RegisterAsync("Owner");
        var (roomId, host, visitor, guest) = await Server.TwoInARoomAsync(owner);
        await using var _ = host;
        await using var __ = visitor;

        Assert.Equal("Only the host of this room can do that", await visitor.RefusedAsync("startRecording", new { }));
        Assert.Equal("Not recording", await host.RefusedAsync("stopRecording", new { }));
        var joined = await host.JoinAsync(roomId);
        Assert.Equal(JsonValueKind.Null, joined.GetProperty("recording").ValueKind);

        var recordingId = (await host.InvokeAsync("startRecording", new { })).GetProperty("recordingId").GetString()!;
        var started = await visitor.NextAsync("recordingStarted");
        Assert.Equal(recordingId, started.GetProperty("recordingId").GetString());
        Assert.True(started.GetProperty("startedAt").GetDateTime() <= DateTime.UtcNow);
        Assert.Equal("Already recording", await host.RefusedAsync("startRecording", new { }));
        Assert.Equal("Only the host of this room can do that", await visitor.RefusedAsync("stopRecording", new { }));
        Assert.Equal(recordingId, (await visitor.JoinAsync(roomId)).GetProperty("recording").GetProperty("recordingId").GetString());

        using (var current = await Server.Http.SendAsync(Request(HttpMethod.Get, $"/api/rooms/{roomId}/recording", guest)))
        {
            var body = await current.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(recordingId, body.GetProperty("recording").GetProperty("recordingId").GetString());
        }

        await host.InvokeAsync("stopRecording", new { });
        Assert.Equal(recordingId, (await visitor.NextAsync("recordingStopped")).GetProperty("recordingId").GetString());
        Assert.Equal("Not recording", await host.RefusedAsync("stopRecording", new { }));

        // Nobody sent media: the recording fails with a reason, and stays listed for the host to see and delete.
        var failed = await WaitForStatusAsync(Server, owner, recordingId, "failed");
        Assert.Contains("Nothing was recorded", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("mimeType").ValueKind);
    }

    [Fact]
    public async Task The_endpoints_are_for_the_rooms_hosts_only()
    {
        var owner = await Server.RegisterAsync("Owner");
        var (roomId, host, visitor, guest) = await Server.TwoInARoomAsync(owner);
        await using var _ = host;
        await using var __ = visitor;
        var recordingId = (await host.InvokeAsync("startRecording", new { })).GetProperty("recordingId").GetString()!;

        using (var list = await Server.Http.SendAsync(Request(HttpMethod.Get, $"/api/rooms/{roomId}/recordings", owner)))
        {
            var recordings = (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("recordings");
            var recording = Assert.Single(recordings.EnumerateArray());
            Assert.Equal(recordingId, recording.GetProperty("id").GetString());
            Assert.Equal(roomId, recording.GetProperty("roomId").GetString());
            Assert.Equal("recording", recording.GetProperty("status").GetString());
            foreach (var field in (string[])["startedAt", "endedAt", "durationSeconds", "sizeBytes", "mimeType", "error"])
            {
                Assert.True(recording.TryGetProperty(field, out var _), field);
            }
        }

        using (var running = await Server.Http.SendAsync(Request(HttpMethod.Get, $"/api/recordings/{recordingId}/file", owner)))
        {
            Assert.Equal(HttpStatusCode.Conflict, running.StatusCode);
        }

        using (var deleteRunning = await Server.Http.SendAsync(Request(HttpMethod.Delete, $"/api/recordings/{recordingId}", owner)))
        {
            Assert.Equal(HttpStatusCode.Conflict, deleteRunning.StatusCode);
        }

        foreach (var (method, path) in ((HttpMethod, string)[])[
            (HttpMethod.Get, $"/api/rooms/{roomId}/recordings"), (HttpMethod.Get, $"/api/recordings/{recordingId}"),
            (HttpMethod.Get, $"/api/recordings/{recordingId}/file"), (HttpMethod.Delete, $"/api/recordings/{recordingId}")])
        {
            using var refused = await Server.Http.SendAsync(Request(method, path, guest));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        foreach (var path in (string[])["/api/recordings/nosuchrecording1234567890", "/api/recordings/nosuchrecording1234567890/file", "/api/rooms/nosuchroom12345678901234/recordings", "/api/rooms/nosuchroom12345678901234/recording"])
        {
            using var unknown = await Server.Http.SendAsync(Request(HttpMethod.Get, path, owner));
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        using (var anonymous = await Server.Http.GetAsync($"/api/recordings/{recordingId}"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        // Deleting the room stops its recording and removes its files and rows.
        var folder = RecordingFiles.RoomFolder(Server.Services.GetRequiredService<RecordingService>().Root, roomId);
        Assert.True(Directory.Exists(folder));
        await Server.DeleteRoomAsync(owner, roomId);
        await visitor.NextAsync("roomClosed");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Directory.Exists(folder))
        {
            Assert.True(DateTime.UtcNow < deadline, "the room's recordings are still on disk 30 s after it was deleted");
            await Task.Delay(100);
        }

        using var gone = await Server.Http.SendAsync(Request(HttpMethod.Get, $"/api/recordings/{recordingId}", owner));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_full_disk_refuses_to_start_with_a_clear_reason()
    {
        var (roomId, host, visitor, _) = await Server.TwoInARoomAsync();
        await using var __ = host;
        await using var ___ = visitor;
        var settings = Server.Services.GetRequiredService<IOptions<RecordingSettings>>().Value;
        var floor = settings.MinFreeBytes;
        settings.MinFreeBytes = long.MaxValue; // more than any disk has free: what a full disk looks like to the check
        try
        {
            var reason = await host.RefusedAsync("startRecording", new { });
            Assert.StartsWith("Not enough disk space to record: ", reason, StringComparison.Ordinal);
        }
        finally
        {
            settings.MinFreeBytes = floor;
        }

        Assert.False(visitor.TryTake("recordingStarted", out _));
        Assert.Equal(JsonValueKind.Null, (await host.JoinAsync(roomId)).GetProperty("recording").ValueKind);
    }
}

public sealed class RecordingRulesSqliteTests(RecordingSqliteServerFixture fixture) : RecordingRulesTests, IClassFixture<RecordingSqliteServerFixture>
{
    protected override HubServer Server => fixture.Server;
}

public sealed class RecordingRulesPostgresTests(RecordingPostgresServerFixture fixture) : RecordingRulesTests, IClassFixture<RecordingPostgresServerFixture>
{
    protected override HubServer Server => fixture.Server;
}
