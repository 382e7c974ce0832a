using Microsoft.EntityFrameworkCore;
using Parley.Data.Entities;
using Parley.Server.Tests.Hubs;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.History;

/// <summary>A server alone on its database closes, when it starts, every session an earlier run left open.</summary>
public abstract class LeftOpenSessionTests(DatabaseFixture database)
{
    [Fact]
    public async Task A_session_left_open_by_an_earlier_run_is_closed_at_its_last_activity_when_the_server_starts()
    {
        var settings = new Dictionary<string, string>
        {
            ["Database:Provider"] = database.Provider,
            ["ConnectionStrings:Default"] = database.ConnectionString,
        };
        var startedAt = new DateTime(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc);
        string sessionId;
        string present;
        await using (var earlier = new HubServer(settings))
        {
            var owner = await earlier.RegisterAsync("Olivia");
            var guest = await earlier.RegisterAsync("Gus");
            var roomId = await earlier.CreateRoomAsync(owner);
            // Written by a node of another id: alone on the database, a server finishes whatever is left open.
            var session = new MeetingSession { RoomId = roomId, StartedAt = startedAt, NodeId = "node-of-an-earlier-run", PeakParticipants = 2, ParticipantCount = 2 };
            var left = new Attendance { SessionId = session.Id, UserId = owner.UserId, JoinedAt = startedAt, LeftAt = startedAt.AddMinutes(5), Seconds = 300 };
            var stayed = new Attendance { SessionId = session.Id, UserId = guest.UserId, JoinedAt = startedAt.AddMinutes(1), PresentSince = startedAt.AddMinutes(7) };
            await earlier.QueryAsync(async db =>
            {
                db.MeetingSessions.Add(session);
                db.Attendances.AddRange(left, stayed);
                return await db.SaveChangesAsync();
            });
            sessionId = session.Id;
            present = stayed.Id;
        }

        await using var next = new HubServer(settings);
        await Eventually.HoldsAsync(
            () => next.QueryAsync(db => db.MeetingSessions.AnyAsync(s => s.Id == sessionId && s.EndedAt != null)), "the session is closed");
        var closed = await next.QueryAsync(db => db.MeetingSessions.AsNoTracking().SingleAsync(s => s.Id == sessionId));
        Assert.Equal(startedAt.AddMinutes(7), closed.EndedAt);
        var attendance = await next.QueryAsync(db => db.Attendances.AsNoTracking().SingleAsync(a => a.Id == present));
        Assert.Null(attendance.PresentSince);
        Assert.Equal(startedAt.AddMinutes(7), attendance.LeftAt);
    }
}

public sealed class LeftOpenSessionSqliteTests(SqliteDatabaseFixture database) : LeftOpenSessionTests(database), IClassFixture<SqliteDatabaseFixture>;

public sealed class LeftOpenSessionPostgresTests(PostgresDatabaseFixture database) : LeftOpenSessionTests(database), IClassFixture<PostgresDatabaseFixture>;
