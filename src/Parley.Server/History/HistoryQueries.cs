using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Entities;

namespace Parley.Server.History;

/// <summary>Whether the caller may read a room's history: it exists and they are one of its hosts.</summary>
internal enum HistoryAccess
{
    Allowed,
    NotFound,
    Forbidden,
}

/// <summary>Stats bucket sizes.</summary>
internal enum StatsBucket
{
    Day,
    Week,
}

/// <summary>Reading and deleting room history: sessions, attendance, statistics, and one's own history.</summary>
internal sealed class HistoryQueries(ParleyDbContext db, TimeProvider time)
{
    public async Task<HistoryAccess> CheckRoomAsync(string roomId, string userId, CancellationToken cancellationToken)
    {
        if (!IdGenerator.IsWellFormed(roomId))
        {
            return HistoryAccess.NotFound;
        }

        var room = await db.Rooms.AsNoTracking().Where(r => r.Id == roomId)
            .Select(r => new { r.OwnerId, r.CoHostIds }).FirstOrDefaultAsync(cancellationToken);
        return room is null ? HistoryAccess.NotFound
            : room.OwnerId == userId || room.CoHostIds.Contains(userId) ? HistoryAccess.Allowed
            : HistoryAccess.Forbidden;
    }

    /// <summary>The session and whether the caller is a host of its room.</summary>
    public async Task<(MeetingSession? Session, HistoryAccess Access)> FindSessionAsync(string sessionId, string userId, CancellationToken cancellationToken)
    {
        if (!IdGenerator.IsWellFormed(sessionId)
            || await db.MeetingSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken) is not { } session)
        {
            return (null, HistoryAccess.NotFound);
        }

        return (session, await CheckRoomAsync(session.RoomId, userId, cancellationToken));
    }

    /// <summary>A page of a room's sessions, newest first, that started within the range.</summary>
    public async Task<(IReadOnlyList<SessionDto> Sessions, string? Next)> ListSessionsAsync(
        string roomId, HistoryRange range, SessionCursor? cursor, int limit, CancellationToken cancellationToken)
    {
        var page = await Page(InRange(db.MeetingSessions.AsNoTracking().Where(s => s.RoomId == roomId), range), cursor)
            .Take(limit + 1).ToListAsync(cancellationToken);
        return (page.Take(limit).Select(ToDto).ToList(), NextCursor(page, limit, s => new SessionCursor(s.StartedAt, s.Id)));
    }

    public async Task<IReadOnlyList<AttendanceDto>> ListAttendanceAsync(string sessionId, CancellationToken cancellationToken)
    {
        var now = Timestamps.UtcNow(time);
        var rows = await (from a in db.Attendances.AsNoTracking()
                          join u in db.Users on a.UserId equals u.Id
                          where a.SessionId == sessionId
                          orderby a.JoinedAt, a.Id
                          select new { a, u.Name }).ToListAsync(cancellationToken);
        return rows.Select(r => new AttendanceDto(
            r.a.UserId, r.Name, r.a.JoinedAt, r.a.LeftAt, SecondsUpTo(r.a, now), r.a.UsedCam, r.a.UsedScreen)).ToList();
    }

    /// <summary>Deletes a session's record with its attendance; false when it is still running.</summary>
    public async Task<bool> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        await db.MeetingSessions.Where(s => s.Id == sessionId && s.EndedAt != null).ExecuteDeleteAsync(cancellationToken) > 0;

    public async Task<RoomStatsResponse> StatsAsync(string roomId, DateTime from, DateTime to, StatsBucket bucket, CancellationToken cancellationToken)
    {
        var now = Timestamps.UtcNow(time);
        var sessions = await db.MeetingSessions.AsNoTracking()
            .Where(s => s.RoomId == roomId && s.StartedAt >= from && s.StartedAt < to)
            .Select(s => new { s.Id, s.StartedAt, s.EndedAt }).ToListAsync(cancellationToken);
        var attendance = await db.Attendances.AsNoTracking()
            .Where(a => db.MeetingSessions.Any(s => s.Id == a.SessionId && s.RoomId == roomId && s.StartedAt >= from && s.StartedAt < to))
            .ToListAsync(cancellationToken);
        var secondsBySession = attendance.GroupBy(a => a.SessionId).ToDictionary(g => g.Key, g => g.Sum(a => SecondsUpTo(a, now)));

        var totalSeconds = sessions.Sum(s => (long)Math.Round(((s.EndedAt ?? now) - s.StartedAt).TotalSeconds));
        var series = new List<StatsBucketDto>();
        for (var start = BucketStart(from, bucket); start < to; start = start.AddDays(bucket == StatsBucket.Day ? 1 : 7))
        {
            var end = start.AddDays(bucket == StatsBucket.Day ? 1 : 7);
            var inBucket = sessions.Where(s => s.StartedAt >= start && s.StartedAt < end).ToList();
            series.Add(new StatsBucketDto(start, inBucket.Count, Minutes(inBucket.Sum(s => secondsBySession.GetValueOrDefault(s.Id)))));
        }

        return new RoomStatsResponse(
            sessions.Count,
            totalSeconds,
            sessions.Count == 0 ? 0 : (long)Math.Round((double)totalSeconds / sessions.Count),
            attendance.Select(a => a.UserId).Distinct(StringComparer.Ordinal).Count(),
            Minutes(secondsBySession.Values.Sum()),
            series);
    }

    /// <summary>A page of the sessions <paramref name="userId"/> attended, newest first, with their own time in each.</summary>
    public async Task<(IReadOnlyList<MySessionDto> Sessions, string? Next)> MyHistoryAsync(
        string userId, HistoryRange range, SessionCursor? cursor, int limit, CancellationToken cancellationToken)
    {
        var attended = db.MeetingSessions.AsNoTracking().Where(s => db.Attendances.Any(a => a.SessionId == s.Id && a.UserId == userId));
        var page = await Page(InRange(attended, range), cursor).Take(limit + 1).ToListAsync(cancellationToken);
        var shown = page.Take(limit).ToList();
        var sessionIds = shown.Select(s => s.Id).ToList();
        var roomIds = shown.Select(s => s.RoomId).Distinct().ToList();
        var names = await db.Rooms.AsNoTracking().Where(r => roomIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Name, cancellationToken);
        var mine = await db.Attendances.AsNoTracking().Where(a => a.UserId == userId && sessionIds.Contains(a.SessionId)).ToListAsync(cancellationToken);
        var now = Timestamps.UtcNow(time);
        var sessions = shown.Select(s => new MySessionDto(
            s.Id, s.RoomId, s.StartedAt, s.EndedAt, s.PeakParticipants, s.ParticipantCount,
            names.GetValueOrDefault(s.RoomId, string.Empty),
            mine.Where(a => a.SessionId == s.Id).Sum(a => SecondsUpTo(a, now)))).ToList();
        return (sessions, NextCursor(page, limit, s => new SessionCursor(s.StartedAt, s.Id)));
    }

    public static SessionDto ToDto(MeetingSession s) => new(s.Id, s.RoomId, s.StartedAt, s.EndedAt, s.PeakParticipants, s.ParticipantCount);

    /// <summary>The first bucket's start: the UTC day of <paramref name="from"/>, or the Monday of its week.</summary>
    public static DateTime BucketStart(DateTime from, StatsBucket bucket)
    {
        var day = DateTime.SpecifyKind(from.Date, DateTimeKind.Utc);
        return bucket == StatsBucket.Day ? day : day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }

    private static IQueryable<MeetingSession> InRange(IQueryable<MeetingSession> sessions, HistoryRange range)
    {
        if (range.From is { } from)
        {
            sessions = sessions.Where(s => s.StartedAt >= from);
        }

        if (range.To is { } to)
        {
            sessions = sessions.Where(s => s.StartedAt < to);
        }

        return sessions;
    }

    private static IQueryable<MeetingSession> Page(IQueryable<MeetingSession> sessions, SessionCursor? cursor)
    {
        if (cursor is { } after)
        {
            sessions = sessions.Where(s => s.StartedAt < after.StartedAt || (s.StartedAt == after.StartedAt && string.Compare(s.Id, after.Id) < 0));
        }

        return sessions.OrderByDescending(s => s.StartedAt).ThenByDescending(s => s.Id);
    }

    private static string? NextCursor<T>(List<T> page, int limit, Func<T, SessionCursor> cursorOf) =>
        page.Count > limit ? cursorOf(page[limit - 1]).Encode() : null;

    private static long SecondsUpTo(Attendance a, DateTime now) =>
        a.Seconds + (a.PresentSince is { } since ? (long)Math.Round(Math.Max(0, (now - since).TotalSeconds)) : 0);

    private static double Minutes(long seconds) => Math.Round(seconds / 60.0, 1);
}
