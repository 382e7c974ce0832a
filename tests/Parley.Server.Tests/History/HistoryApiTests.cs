using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Parley.Data;
using Parley.Data.Entities;
using Parley.Server.History;
using Parley.Server.Tests.Hubs;
using Parley.Server.Tests.Webhooks;

namespace Parley.Server.Tests.History;

/// <summary>Room history end to end: real meetings on the hub write sessions and attendance, the HTTP API reads them.</summary>
public abstract class HistoryApiTests
{
    protected abstract HubServer Server { get; }

    [Fact]
    public async Task A_meeting_becomes_a_session_with_each_persons_attendance_and_media_use()
    {
        var owner = await Server.RegisterAsync("Owner");
        var (roomId, host, visitor, guest) = await Server.TwoInARoomAsync(owner);
        await using (host)
        await using (visitor)
        {
            var transport = (await visitor.InvokeAsync("createWebRtcTransport", new { producing = true, consuming = false })).GetProperty("id").GetString();
            await visitor.InvokeAsync("produce", new
            {
                transportId = transport, kind = "video", rtpParameters = MediaTestData.H264Producer().ToElement(), appData = new { source = "cam" },
            });
            var running = await WaitForSessionsAsync(owner, roomId, s => s.Count == 1 && s[0].GetProperty("peakParticipants").GetInt32() == 2);
            Assert.Equal(JsonValueKind.Null, running[0].GetProperty("endedAt").ValueKind);
            var sessionId = running[0].GetProperty("id").GetString()!;
            await WaitForAsync(() => AttendanceAsync(owner, sessionId), a => a.Any(x => x.GetProperty("usedCam").GetBoolean()));

            await visitor.InvokeAsync("leaveRoom", new { });
            await host.NextAsync("userLeft");
            await host.InvokeAsync("leaveRoom", new { });

            var ended = await WaitForSessionsAsync(owner, roomId, s => s.Count == 1 && s[0].GetProperty("endedAt").ValueKind != JsonValueKind.Null);
            Assert.Equal(2, ended[0].GetProperty("participantCount").GetInt32());
            Assert.Equal(2, ended[0].GetProperty("peakParticipants").GetInt32());
            Assert.True(ended[0].GetProperty("startedAt").GetDateTime() <= ended[0].GetProperty("endedAt").GetDateTime());

            var attendance = await AttendanceAsync(owner, sessionId);
            Assert.Equal([owner.UserId, guest.UserId], attendance.Select(a => a.GetProperty("userId").GetString()));
            Assert.Equal(["Owner", "Guest"], attendance.Select(a => a.GetProperty("name").GetString()));
            Assert.All(attendance, a => Assert.NotEqual(JsonValueKind.Null, a.GetProperty("leftAt").ValueKind));
            Assert.All(attendance, a => Assert.True(a.GetProperty("seconds").GetInt64() >= 0));
            Assert.False(attendance[0].GetProperty("usedCam").GetBoolean());
            Assert.True(attendance[1].GetProperty("usedCam").GetBoolean());
            Assert.False(attendance[1].GetProperty("usedScreen").GetBoolean());
        }
    }

    [Fact]
    public async Task A_quick_rejoin_continues_the_attendance_record_and_a_lone_reload_the_session()
    {
        var owner = await Server.RegisterAsync("Owner");
        var (roomId, host, visitor, guest) = await Server.TwoInARoomAsync(owner);
        await using (host)
        {
            await visitor.DisposeAsync();
            await host.NextAsync("userLeft");
            await using var again = await Server.ConnectAsync(guest);
            await again.JoinAsync(roomId);
            await host.NextAsync("userJoined");
            await again.InvokeAsync("leaveRoom", new { });
            await host.NextAsync("userLeft");

            // The only one left reloads: the room empties and fills again at once.
            await host.InvokeAsync("leaveRoom", new { });
            await host.JoinAsync(roomId);

            // The guest comes back a second time and turns the camera on: history is written in order, so once that
            // shows, everything before it is written too.
            await using var third = await Server.ConnectAsync(guest);
            await third.JoinAsync(roomId);
            var transport = (await third.InvokeAsync("createWebRtcTransport", new { producing = true, consuming = false })).GetProperty("id").GetString();
            await third.InvokeAsync("produce", new
            {
                transportId = transport, kind = "video", rtpParameters = MediaTestData.H264Producer().ToElement(), appData = new { source = "cam" },
            });
            var sessions = await WaitForSessionsAsync(owner, roomId, s => s.Count >= 1);
            var attendance = await WaitForAsync(
                () => AttendanceAsync(owner, sessions[0].GetProperty("id").GetString()!),
                a => a.Any(x => x.GetProperty("userId").GetString() == guest.UserId && x.GetProperty("usedCam").GetBoolean()));

            sessions = await WaitForSessionsAsync(owner, roomId, _ => true);
            var session = Assert.Single(sessions);
            Assert.Equal(JsonValueKind.Null, session.GetProperty("endedAt").ValueKind);
            Assert.Equal(2, session.GetProperty("participantCount").GetInt32());
            Assert.Equal(2, session.GetProperty("peakParticipants").GetInt32());
            Assert.Equal(2, attendance.Count);
            Assert.All(attendance, a => Assert.Equal(JsonValueKind.Null, a.GetProperty("leftAt").ValueKind));
            await third.InvokeAsync("leaveRoom", new { });
        }
    }

    [Fact]
    public async Task Ending_the_meeting_ends_the_session_and_the_next_join_starts_another()
    {
        var owner = await Server.RegisterAsync("Olivia");
        var roomId = await Server.CreateRoomAsync(owner);
        await using var host = await Server.ConnectAsync(owner);
        await host.JoinAsync(roomId);
        await WaitForSessionsAsync(owner, roomId, s => s.Count == 1);
        await host.InvokeAsync("endMeeting", new { });
        await WaitForSessionsAsync(owner, roomId, s => s.Count == 1 && s[0].GetProperty("endedAt").ValueKind != JsonValueKind.Null);
        await host.JoinAsync(roomId);
        var sessions = await WaitForSessionsAsync(owner, roomId, s => s.Count == 2);
        Assert.Equal(JsonValueKind.Null, sessions[0].GetProperty("endedAt").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, sessions[1].GetProperty("endedAt").ValueKind);
        await host.InvokeAsync("leaveRoom", new { });
    }

    [Fact]
    public async Task Only_hosts_read_and_delete_history_and_unknown_ids_are_404()
    {
        var owner = await Server.RegisterAsync("Olivia");
        var coHost = await Server.RegisterAsync("Cody");
        var stranger = await Server.RegisterAsync("Sam");
        var roomId = await Server.CreateRoomAsync(owner);
        var sessionId = await SeedSessionAsync(roomId, owner.UserId, DateTime.UtcNow.AddHours(-2), 600);

        await AssertStatusAsync(HttpStatusCode.Forbidden, coHost, HttpMethod.Get, $"/api/rooms/{roomId}/sessions");
        await MakeCoHostAsync(roomId, coHost.UserId);
        await AssertStatusAsync(HttpStatusCode.OK, coHost, HttpMethod.Get, $"/api/rooms/{roomId}/sessions");
        await AssertStatusAsync(HttpStatusCode.OK, coHost, HttpMethod.Get, $"/api/sessions/{sessionId}");

        foreach (var path in new[] { $"/api/rooms/{roomId}/sessions", $"/api/rooms/{roomId}/stats", $"/api/sessions/{sessionId}" })
        {
            await AssertStatusAsync(HttpStatusCode.Forbidden, stranger, HttpMethod.Get, path);
        }

        await AssertStatusAsync(HttpStatusCode.Forbidden, stranger, HttpMethod.Delete, $"/api/sessions/{sessionId}");
        await AssertStatusAsync(HttpStatusCode.NotFound, owner, HttpMethod.Get, "/api/rooms/zzzzzzzzzzzzzzzzzzzzzzzz/sessions");
        await AssertStatusAsync(HttpStatusCode.NotFound, owner, HttpMethod.Get, "/api/rooms/zzzzzzzzzzzzzzzzzzzzzzzz/stats");
        await AssertStatusAsync(HttpStatusCode.NotFound, owner, HttpMethod.Get, "/api/sessions/zzzzzzzzzzzzzzzzzzzzzzzz");
        await AssertStatusAsync(HttpStatusCode.NotFound, owner, HttpMethod.Delete, "/api/sessions/not-an-id");
        using var anonymous = await Server.Http.GetAsync($"/api/rooms/{roomId}/sessions");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        await AssertStatusAsync(HttpStatusCode.NoContent, coHost, HttpMethod.Delete, $"/api/sessions/{sessionId}");
        await AssertStatusAsync(HttpStatusCode.NotFound, owner, HttpMethod.Get, $"/api/sessions/{sessionId}");
        Assert.Equal(0, await Server.QueryAsync(db => db.Attendances.CountAsync(a => a.SessionId == sessionId)));
    }

    [Fact]
    public async Task A_running_session_cannot_be_deleted()
    {
        var owner = await Server.RegisterAsync("Olivia");
        var roomId = await Server.CreateRoomAsync(owner);
        await using var host = await Server.ConnectAsync(owner);
        await host.JoinAsync(roomId);
        var sessions = await WaitForSessionsAsync(owner, roomId, s => s.Count == 1);
        await AssertStatusAsync(HttpStatusCode.Conflict, owner, HttpMethod.Delete, $"/api/sessions/{sessions[0].GetProperty("id").GetString()}");
        await host.InvokeAsync("leaveRoom", new { });
    }

    [Fact]
    public async Task Sessions_page_newest_first_within_the_range()
    {
        var owner = await Server.RegisterAsync("Olivia");
        var roomId = await Server.CreateRoomAsync(owner);
        var start = new DateTime(2026, 3, 1, 9, 0, 0, DateTimeKind.Utc);
        var ids = new List<string>();
        for (var i = 0; i < 120; i++)
        {
            ids.Add(await SeedSessionAsync(roomId, owner.UserId, start.AddHours(i), 60));
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var query = $"/api/rooms/{roomId}/sessions?from=2026-03-02&to=2026-03-05T12:00:00Z" + (cursor is null ? string.Empty : $"&cursor={cursor}");
            var page = await GetJsonAsync(owner, query);
            seen.AddRange(page.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()!));
            cursor = page.GetProperty("next").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        // 2 March 00:00 is hour 15; 5 March 12:00 is hour 99 (exclusive).
        var expected = ids.Skip(15).Take(84).Reverse().ToList();
        Assert.Equal(expected, seen);
        Assert.Equal(2, pages);

        await AssertBadRequestAsync(owner, $"/api/rooms/{roomId}/sessions?from=yesterday", "'from'");
        await AssertBadRequestAsync(owner, $"/api/rooms/{roomId}/sessions?from=2026-03-05&to=2026-03-01", "'from'");
        await AssertBadRequestAsync(owner, $"/api/rooms/{roomId}/sessions?cursor=bm90LWEtY3Vyc29y", "'cursor'");
    }

    [Fact]
    public async Task Stats_sum_durations_participant_minutes_and_buckets_by_day_and_week()
    {
        var owner = await Server.RegisterAsync("Olivia");
        var guest = await Server.RegisterAsync("Gus");
        var roomId = await Server.CreateRoomAsync(owner);
        // Monday 2 March 2026: a 10-minute session with both (10 + 5 participant-minutes), Wednesday a 20-minute one alone.
        await SeedSessionAsync(roomId, owner.UserId, new DateTime(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc), 600, (guest.UserId, 300));
        await SeedSessionAsync(roomId, owner.UserId, new DateTime(2026, 3, 4, 23, 30, 0, DateTimeKind.Utc), 1200);

        var stats = await GetJsonAsync(owner, $"/api/rooms/{roomId}/stats?from=2026-03-01&to=2026-03-08&bucket=day");
        Assert.Equal(2, stats.GetProperty("sessions").GetInt32());
        Assert.Equal(1800, stats.GetProperty("totalSeconds").GetInt64());
        Assert.Equal(900, stats.GetProperty("averageSeconds").GetInt64());
        Assert.Equal(2, stats.GetProperty("uniqueParticipants").GetInt32());
        Assert.Equal(35, stats.GetProperty("participantMinutes").GetDouble());
        var days = stats.GetProperty("series").EnumerateArray().ToList();
        Assert.Equal(7, days.Count);
        Assert.Equal(new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc), days[0].GetProperty("start").GetDateTime().ToUniversalTime());
        Assert.Equal([0, 1, 0, 1, 0, 0, 0], days.Select(d => d.GetProperty("sessions").GetInt32()));
        Assert.Equal([0, 15, 0, 20, 0, 0, 0], days.Select(d => d.GetProperty("participantMinutes").GetDouble()));

        var weeks = (await GetJsonAsync(owner, $"/api/rooms/{roomId}/stats?from=2026-03-01&to=2026-03-08&bucket=week")).GetProperty("series").EnumerateArray().ToList();
        // Sunday 1 March is in the week of Monday 23 February.
        Assert.Equal([new DateTime(2026, 2, 23), new DateTime(2026, 3, 2)], weeks.Select(w => w.GetProperty("start").GetDateTime().ToUniversalTime().Date));
        Assert.Equal([0, 2], weeks.Select(w => w.GetProperty("sessions").GetInt32()));

        await AssertBadRequestAsync(owner, $"/api/rooms/{roomId}/stats?bucket=month", "'bucket'");
        await AssertBadRequestAsync(owner, $"/api/rooms/{roomId}/stats?from=2020-01-01&to=2026-01-01", "buckets");
    }

    [Fact]
    public async Task Every_list_comes_as_csv_when_asked()
    {
        var owner = await Server.RegisterAsync("=Olivia, \"the host\"");
        var roomId = await Server.CreateRoomAsync(owner);
        var sessionId = await SeedSessionAsync(roomId, owner.UserId, new DateTime(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc), 90);

        var sessions = await GetCsvAsync(owner, $"/api/rooms/{roomId}/sessions");
        Assert.Equal("id,roomId,startedAt,endedAt,peakParticipants,participantCount", sessions[0]);
        Assert.Equal($"{sessionId},{roomId},2026-03-02T10:00:00.000Z,2026-03-02T10:01:30.000Z,1,1", sessions[1]);

        var attendance = await GetCsvAsync(owner, $"/api/sessions/{sessionId}");
        Assert.Equal("userId,name,joinedAt,leftAt,seconds,usedCam,usedScreen", attendance[0]);
        Assert.Equal($"{owner.UserId},\"'=Olivia, \"\"the host\"\"\",2026-03-02T10:00:00.000Z,2026-03-02T10:01:30.000Z,90,false,false", attendance[1]);

        var series = await GetCsvAsync(owner, $"/api/rooms/{roomId}/stats?from=2026-03-02&to=2026-03-03");
        Assert.Equal(["start,sessions,participantMinutes", "2026-03-02T00:00:00.000Z,1,1.5"], series);

        var mine = await GetCsvAsync(owner, "/api/me/history");
        Assert.Equal("id,roomId,roomName,startedAt,endedAt,peakParticipants,participantCount,seconds", mine[0]);
        Assert.StartsWith($"{sessionId},{roomId},", mine[1]);
        Assert.EndsWith(",90", mine[1]);
    }

    [Fact]
    public async Task My_history_lists_the_sessions_I_attended_with_my_time_and_the_room_name()
    {
        var owner = await Server.RegisterAsync("Olivia");
        var guest = await Server.RegisterAsync("Gus");
        var roomId = await Server.CreateRoomAsync(owner);
        var attended = await SeedSessionAsync(roomId, owner.UserId, new DateTime(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc), 600, (guest.UserId, 240));
        await SeedSessionAsync(roomId, owner.UserId, new DateTime(2026, 3, 3, 10, 0, 0, DateTimeKind.Utc), 600);

        var history = await GetJsonAsync(guest, "/api/me/history");
        var session = Assert.Single(history.GetProperty("sessions").EnumerateArray());
        Assert.Equal(attended, session.GetProperty("id").GetString());
        Assert.Equal("Room of Olivia", session.GetProperty("roomName").GetString());
        Assert.Equal(240, session.GetProperty("seconds").GetInt64());
        Assert.Equal(2, session.GetProperty("participantCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, history.GetProperty("next").ValueKind);
        Assert.Empty((await GetJsonAsync(guest, "/api/me/history?from=2026-03-03")).GetProperty("sessions").EnumerateArray());
        // Not a host of the room, so not its history: only one's own line.
        await AssertStatusAsync(HttpStatusCode.Forbidden, guest, HttpMethod.Get, $"/api/sessions/{attended}");
    }

    [Fact]
    public async Task Retention_deletes_sessions_that_ended_before_the_period_on_the_injected_clock()
    {
        var owner = await Server.RegisterAsync("Olivia");
        var roomId = await Server.CreateRoomAsync(owner);
        var now = new DateTimeOffset(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var old = await SeedSessionAsync(roomId, owner.UserId, now.UtcDateTime.AddDays(-400), 60);
        var recent = await SeedSessionAsync(roomId, owner.UserId, now.UtcDateTime.AddDays(-300), 60);
        var clock = new FakeTimeProvider(now);
        var retention = new HistoryRetention(
            Server.Services.GetRequiredService<IDbContextFactory<ParleyDbContext>>(),
            Options.Create(new HistorySettings { RetentionDays = 365 }),
            clock,
            NullLogger<HistoryRetention>.Instance);

        Assert.True(await retention.PurgeAsync(CancellationToken.None) >= 1);
        var left = await Server.QueryAsync(db => db.MeetingSessions.Where(s => s.RoomId == roomId).Select(s => s.Id).ToListAsync());
        Assert.Equal([recent], left);
        Assert.Equal(0, await Server.QueryAsync(db => db.Attendances.CountAsync(a => a.SessionId == old)));

        clock.Advance(TimeSpan.FromDays(70));
        await retention.PurgeAsync(CancellationToken.None);
        Assert.Equal(0, await Server.QueryAsync(db => db.MeetingSessions.CountAsync(s => s.RoomId == roomId)));
    }

    [Fact]
    public async Task Deleting_the_room_deletes_its_history()
    {
        var owner = await Server.RegisterAsync("Olivia");
        var roomId = await Server.CreateRoomAsync(owner);
        var sessionId = await SeedSessionAsync(roomId, owner.UserId, DateTime.UtcNow.AddDays(-1), 60);
        await Server.DeleteRoomAsync(owner, roomId);
        Assert.Equal(0, await Server.QueryAsync(db => db.MeetingSessions.CountAsync(s => s.Id == sessionId)));
    }

    /// <summary>An ended session written straight to the database: the owner for <paramref name="seconds"/>, and others.</summary>
    private Task<string> SeedSessionAsync(string roomId, string ownerId, DateTime startedAt, int seconds, params (string UserId, int Seconds)[] others) =>
        Server.QueryAsync(async db =>
        {
            var session = new MeetingSession
            {
                RoomId = roomId, StartedAt = startedAt, EndedAt = startedAt.AddSeconds(seconds),
                PeakParticipants = 1 + others.Length, ParticipantCount = 1 + others.Length,
            };
            db.MeetingSessions.Add(session);
            foreach (var (userId, time) in others.Prepend((ownerId, seconds)))
            {
                db.Attendances.Add(new Attendance
                {
                    SessionId = session.Id, UserId = userId, JoinedAt = startedAt, LeftAt = startedAt.AddSeconds(time), Seconds = time,
                });
            }

            await db.SaveChangesAsync();
            return session.Id;
        });

    private Task MakeCoHostAsync(string roomId, string userId) => Server.QueryAsync(async db =>
    {
        var room = await db.Rooms.SingleAsync(r => r.Id == roomId);
        room.CoHostIds = [.. room.CoHostIds, userId];
        return await db.SaveChangesAsync();
    });

    private async Task<List<JsonElement>> WaitForSessionsAsync(TestUser owner, string roomId, Func<List<JsonElement>, bool> condition) =>
        await WaitForAsync(
            async () => (await GetJsonAsync(owner, $"/api/rooms/{roomId}/sessions")).GetProperty("sessions").EnumerateArray().ToList(), condition);

    private async Task<List<JsonElement>> AttendanceAsync(TestUser owner, string sessionId) =>
        (await GetJsonAsync(owner, $"/api/sessions/{sessionId}")).GetProperty("attendance").EnumerateArray().ToList();

    /// <summary>History is written off the hub's path: poll until it shows; fails with the last answer.</summary>
    private static async Task<List<JsonElement>> WaitForAsync(Func<Task<List<JsonElement>>> read, Func<List<JsonElement>, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "History is not as expected: " + string.Join(", ", value.Select(v => v.GetRawText())));
            await Task.Delay(50);
        }
    }

    private async Task<JsonElement> GetJsonAsync(TestUser user, string path)
    {
        using var response = await Server.SendAsync(user, HttpMethod.Get, path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<string[]> GetCsvAsync(TestUser user, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var response = await Server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {response.StatusCode} {text}");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("\r\n", text);
        return text[..^2].Split("\r\n");
    }

    private async Task AssertStatusAsync(HttpStatusCode expected, TestUser user, HttpMethod method, string path)
    {
        using var response = await Server.SendAsync(user, method, path);
        Assert.True(expected == response.StatusCode, $"{method} {path}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        if ((int)expected >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    private async Task AssertBadRequestAsync(TestUser user, string path, string mentions)
    {
        using var response = await Server.SendAsync(user, HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(mentions, problem.GetProperty("detail").GetString());
    }

}

public sealed class HistoryApiSqliteTests(SqliteHubServerFixture fixture) : HistoryApiTests, IClassFixture<SqliteHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}

public sealed class HistoryApiPostgresTests(PostgresHubServerFixture fixture) : HistoryApiTests, IClassFixture<PostgresHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}
