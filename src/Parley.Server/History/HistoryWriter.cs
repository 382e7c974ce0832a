using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Data;
using Parley.Data.Entities;
using Parley.Server.RoomMedia;

namespace Parley.Server.History;

/// <summary>
/// Applies queued <see cref="HistoryChange"/>s to <c>meeting_session</c> and <c>attendance</c>, one at a time and
/// in order, off the hub's path. A change that cannot be written (the database is down) is logged and dropped:
/// history is a record, never a reason to hold up a meeting.
/// </summary>
internal sealed class HistoryWriter(
    HistoryRecorder recorder,
    IDbContextFactory<ParleyDbContext> contexts,
    IOptions<HistorySettings> options,
    TimeProvider time,
    ILogger<HistoryWriter> logger) : BackgroundService
{
    // Sessions that ended because the room emptied, by room: a room that fills again within the grace continues
    // its session (the only person in it reloaded the page).
    private readonly ConcurrentDictionary<string, (string SessionId, DateTime EndedAt)> _emptied = new(StringComparer.Ordinal);
    private readonly TimeSpan _grace = options.Value.ReconnectGrace;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var startedAt = Timestamps.UtcNow(time);
        try
        {
            await CloseOrphansAsync(startedAt, stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            HistoryLog.WriteFailed(logger, "(all)", "closing sessions of an earlier run", exception.Message);
        }

        try
        {
            await foreach (var change in recorder.Changes.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await ApplyAsync(change);
                }
                catch (Exception exception)
                {
                    HistoryLog.WriteFailed(logger, change.RoomId, change.GetType().Name, exception.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the server ends every meeting first (DrainRoomAsync), and what is still queued is lost.
        }
    }

    private async Task ApplyAsync(HistoryChange change)
    {
        await using var db = await contexts.CreateDbContextAsync();
        switch (change)
        {
            case SessionStartChange start:
                await StartAsync(db, start);
                break;
            case ArrivalChange arrival:
                await ArriveAsync(db, arrival);
                break;
            case DepartureChange departure:
                if (await OpenSessionAsync(db, departure.RoomId) is { } session
                    && await PresentAsync(db, session.Id, departure.UserId) is { } attendance)
                {
                    Depart(attendance, departure.At);
                }

                break;
            case SessionEndChange end:
                await EndAsync(db, end);
                break;
            case MediaUseChange use:
                if (await OpenSessionAsync(db, use.RoomId) is { } inSession
                    && await PresentAsync(db, inSession.Id, use.UserId) is { } present)
                {
                    present.UsedCam |= use.Source == MediaSource.Cam;
                    present.UsedScreen |= use.Source == MediaSource.Screen;
                }

                break;
        }

        await db.SaveChangesAsync();
    }

    private async Task StartAsync(ParleyDbContext db, SessionStartChange start)
    {
        if (_emptied.TryRemove(start.RoomId, out var emptied) && start.At - emptied.EndedAt <= _grace
            && await db.MeetingSessions.FirstOrDefaultAsync(s => s.Id == emptied.SessionId) is { } resumed)
        {
            resumed.EndedAt = null;
            return;
        }

        // A session still open here lost its end (a write failed): it ended at its last activity.
        foreach (var stale in await db.MeetingSessions.Where(s => s.RoomId == start.RoomId && s.EndedAt == null).ToListAsync())
        {
            await CloseAtLastActivityAsync(db, stale);
        }

        db.MeetingSessions.Add(new MeetingSession { RoomId = start.RoomId, StartedAt = start.At });
    }

    private async Task ArriveAsync(ParleyDbContext db, ArrivalChange arrival)
    {
        var session = await OpenSessionAsync(db, arrival.RoomId);
        if (session is null)
        {
            // Its start was not written: the session starts with this arrival.
            session = new MeetingSession { RoomId = arrival.RoomId, StartedAt = arrival.At };
            db.MeetingSessions.Add(session);
        }

        var latest = await db.Attendances.Where(a => a.SessionId == session.Id && a.UserId == arrival.UserId)
            .OrderByDescending(a => a.JoinedAt).FirstOrDefaultAsync();
        if (latest is { PresentSince: not null })
        {
            return;
        }

        var attendance = latest;
        if (latest is { LeftAt: { } leftAt } && arrival.At - leftAt <= _grace)
        {
            // Back within the grace (a reload or a reconnect): the same record goes on.
            latest.LeftAt = null;
            latest.PresentSince = arrival.At;
        }
        else
        {
            attendance = new Attendance { SessionId = session.Id, UserId = arrival.UserId, JoinedAt = arrival.At, PresentSince = arrival.At };
            db.Attendances.Add(attendance);
            if (latest is null)
            {
                session.ParticipantCount++;
            }
        }

        var present = 1 + await db.Attendances.CountAsync(a => a.SessionId == session.Id && a.PresentSince != null && a.Id != attendance!.Id);
        session.PeakParticipants = Math.Max(session.PeakParticipants, present);
    }

    private async Task EndAsync(ParleyDbContext db, SessionEndChange end)
    {
        if (await OpenSessionAsync(db, end.RoomId) is not { } session)
        {
            return;
        }

        foreach (var attendance in await db.Attendances.Where(a => a.SessionId == session.Id && a.PresentSince != null).ToListAsync())
        {
            Depart(attendance, end.At);
        }

        session.EndedAt = end.At;
        if (!end.EndedByHost)
        {
            _emptied[end.RoomId] = (session.Id, end.At);
        }

        // Rooms emptied long ago cannot be resumed any more; forget them.
        foreach (var (roomId, ended) in _emptied)
        {
            if (end.At - ended.EndedAt > _grace)
            {
                _emptied.TryRemove(roomId, out _);
            }
        }
    }

    /// <summary>Sessions an earlier run left open (it stopped without ending them) end at their last activity.</summary>
    private async Task CloseOrphansAsync(DateTime startedAt, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var orphans = await db.MeetingSessions.Where(s => s.EndedAt == null && s.StartedAt < startedAt).ToListAsync(cancellationToken);
        foreach (var orphan in orphans)
        {
            await CloseAtLastActivityAsync(db, orphan);
        }

        if (orphans.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            HistoryLog.OrphansClosed(logger, orphans.Count);
        }
    }

    private static async Task CloseAtLastActivityAsync(ParleyDbContext db, MeetingSession session)
    {
        var attendances = await db.Attendances.Where(a => a.SessionId == session.Id).ToListAsync();
        var last = attendances.Select(a => a.LeftAt ?? a.PresentSince ?? a.JoinedAt).DefaultIfEmpty(session.StartedAt).Max();
        foreach (var attendance in attendances.Where(a => a.PresentSince is not null))
        {
            // Nothing says how long they stayed after their arrival was written: their last stretch counts as none.
            attendance.LeftAt = attendance.PresentSince;
            attendance.PresentSince = null;
        }

        session.EndedAt = last;
    }

    private static void Depart(Attendance attendance, DateTime at)
    {
        attendance.Seconds += (long)Math.Round(Math.Max(0, (at - attendance.PresentSince!.Value).TotalSeconds));
        attendance.LeftAt = at;
        attendance.PresentSince = null;
    }

    private static Task<MeetingSession?> OpenSessionAsync(ParleyDbContext db, string roomId) =>
        db.MeetingSessions.Where(s => s.RoomId == roomId && s.EndedAt == null).OrderByDescending(s => s.StartedAt).FirstOrDefaultAsync();

    private static Task<Attendance?> PresentAsync(ParleyDbContext db, string sessionId, string userId) =>
        db.Attendances.FirstOrDefaultAsync(a => a.SessionId == sessionId && a.UserId == userId && a.PresentSince != null);
}
