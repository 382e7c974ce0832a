using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Data;
using Parley.Data.Entities;
using Parley.Server.Cluster;
using Parley.Server.RoomMedia;

namespace Parley.Server.History;

/// <summary>
/// Applies queued <see cref="HistoryChange"/>s to <c>meeting_session</c> and <c>attendance</c> in order, in batches,
/// off the hub's path. A batch that cannot be written (the database is down) is logged and dropped: history is a
/// record, never a reason to hold up a meeting.
/// </summary>
internal sealed class HistoryWriter(
    HistoryRecorder recorder,
    IDbContextFactory<ParleyDbContext> contexts,
    IOptions<HistorySettings> options,
    LeftoverOwnership ownership,
    TimeProvider time,
    ILogger<HistoryWriter> logger) : BackgroundService
{
    // Sessions that ended because the room emptied, by room: a room that fills again within the grace continues
    // its session (the only person in it reloaded the page).
    private readonly Dictionary<string, (string SessionId, DateTime EndedAt)> _emptied = new(StringComparer.Ordinal);
    private readonly TimeSpan _grace = options.Value.ReconnectGrace;

    // Who is in each running session now, by session id: the writer's own count for peakParticipants (the rows of a
    // batch are not saved yet when it counts). Only the writer's loop touches it.
    private readonly Dictionary<string, HashSet<string>> _present = new(StringComparer.Ordinal);

    /// <summary>Changes applied in one unit of work at most.</summary>
    private const int MaxBatch = 200;

    /// <summary>How long a stopping server keeps writing what is queued.</summary>
    private static readonly TimeSpan FinalFlush = TimeSpan.FromSeconds(5);

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

        var reader = recorder.Changes;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                await WriteBatchAsync(reader);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is queued now (the meetings the drain just ended above all) is written below.
        }

        var deadline = time.GetUtcNow() + FinalFlush;
        while (time.GetUtcNow() < deadline && await WriteBatchAsync(reader))
        {
        }

        // The queue has a single reader, which cannot count: what is left is counted by taking it.
        var dropped = 0;
        while (reader.TryRead(out _))
        {
            dropped++;
        }

        if (dropped > 0)
        {
            HistoryLog.Dropped(logger, dropped);
        }
    }

    /// <summary>
    /// Applies what is queued (up to <see cref="MaxBatch"/> changes) in order in one unit of work: a burst of joins
    /// costs one transaction, not one each. Lookups see the batch's own unsaved changes.
    /// </summary>
    /// <returns>Whether there was anything to write.</returns>
    private async Task<bool> WriteBatchAsync(System.Threading.Channels.ChannelReader<HistoryChange> reader)
    {
        var batch = new List<HistoryChange>();
        while (batch.Count < MaxBatch && reader.TryRead(out var change))
        {
            batch.Add(change);
        }

        if (batch.Count == 0)
        {
            return false;
        }

        try
        {
            await using var db = await contexts.CreateDbContextAsync();
            foreach (var change in batch)
            {
                await ApplyAsync(db, change);
            }

            await db.SaveChangesAsync();
        }
        catch (Exception exception)
        {
            _present.Clear();
            HistoryLog.WriteFailed(logger, batch[0].RoomId, $"{batch.Count} changes", exception.Message);
        }

        return true;
    }

    private async Task ApplyAsync(ParleyDbContext db, HistoryChange change)
    {
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
                    PresentIn(session.Id).Remove(departure.UserId);
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
    }

    private async Task StartAsync(ParleyDbContext db, SessionStartChange start)
    {
        if (_emptied.Remove(start.RoomId, out var emptied) && start.At - emptied.EndedAt <= _grace
            && await db.MeetingSessions.FindAsync(emptied.SessionId) is { } resumed)
        {
            resumed.EndedAt = null;
            return;
        }

        // A session still open here lost its end (a write failed): it ended at its last activity.
        while (await OpenSessionAsync(db, start.RoomId) is { } stale)
        {
            await CloseAtLastActivityAsync(db, stale);
            _present.Remove(stale.Id);
        }

        db.MeetingSessions.Add(new MeetingSession { RoomId = start.RoomId, StartedAt = start.At, NodeId = ownership.NodeId });
    }

    private async Task ArriveAsync(ParleyDbContext db, ArrivalChange arrival)
    {
        var session = await OpenSessionAsync(db, arrival.RoomId);
        if (session is null)
        {
            // Its start was not written: the session starts with this arrival.
            session = new MeetingSession { RoomId = arrival.RoomId, StartedAt = arrival.At, NodeId = ownership.NodeId };
            db.MeetingSessions.Add(session);
        }

        // The meeting runs here now (a survivor took the room over from a node that died): its leftovers are ours.
        session.NodeId = ownership.NodeId;

        var latest = (await AttendancesOfAsync(db, session.Id, arrival.UserId)).MaxBy(a => a.JoinedAt);
        if (latest is { PresentSince: not null })
        {
            return;
        }

        if (latest is { LeftAt: { } leftAt } && arrival.At - leftAt <= _grace)
        {
            // Back within the grace (a reload or a reconnect): the same record goes on.
            latest.LeftAt = null;
            latest.PresentSince = arrival.At;
        }
        else
        {
            db.Attendances.Add(new Attendance { SessionId = session.Id, UserId = arrival.UserId, JoinedAt = arrival.At, PresentSince = arrival.At });
            if (latest is null)
            {
                session.ParticipantCount++;
            }
        }

        var present = PresentIn(session.Id);
        present.Add(arrival.UserId);
        session.PeakParticipants = Math.Max(session.PeakParticipants, present.Count);
    }

    private async Task EndAsync(ParleyDbContext db, SessionEndChange end)
    {
        if (await OpenSessionAsync(db, end.RoomId) is not { } session)
        {
            return;
        }

        await db.Attendances.Where(a => a.SessionId == session.Id && a.PresentSince != null).LoadAsync();
        foreach (var attendance in db.Attendances.Local.Where(a => a.SessionId == session.Id && a.PresentSince is not null).ToList())
        {
            Depart(attendance, end.At);
        }

        session.EndedAt = end.At;
        _present.Remove(session.Id);
        if (!end.EndedByHost)
        {
            _emptied[end.RoomId] = (session.Id, end.At);
        }

        // Rooms emptied long ago cannot be resumed any more; forget them.
        foreach (var (roomId, ended) in _emptied)
        {
            if (end.At - ended.EndedAt > _grace)
            {
                _emptied.Remove(roomId);
            }
        }
    }

    /// <summary>
    /// Sessions an earlier run left open (it stopped without ending them) end at their last activity; among several
    /// nodes only this node's and those of nodes no longer alive (see <see cref="LeftoverOwnership"/>).
    /// </summary>
    private async Task CloseOrphansAsync(DateTime startedAt, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var open = await db.MeetingSessions.Where(s => s.EndedAt == null && s.StartedAt < startedAt).ToListAsync(cancellationToken);
        var finishable = await ownership.FinishableAsync(open.Select(s => s.NodeId));
        var orphans = open.Where(s => finishable.Contains(s.NodeId)).ToList();
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
        await db.Attendances.Where(a => a.SessionId == session.Id).LoadAsync();
        var attendances = db.Attendances.Local.Where(a => a.SessionId == session.Id).ToList();
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

    // The lookups below load from the database into the context and then read the context's own view, so that they
    // see the batch's unsaved changes (a session started or ended, an attendance added, earlier in the batch).
    private static async Task<MeetingSession?> OpenSessionAsync(ParleyDbContext db, string roomId)
    {
        await db.MeetingSessions.Where(s => s.RoomId == roomId && s.EndedAt == null).LoadAsync();
        return db.MeetingSessions.Local.Where(s => s.RoomId == roomId && s.EndedAt is null).MaxBy(s => s.StartedAt);
    }

    private static async Task<List<Attendance>> AttendancesOfAsync(ParleyDbContext db, string sessionId, string userId)
    {
        await db.Attendances.Where(a => a.SessionId == sessionId && a.UserId == userId).LoadAsync();
        return db.Attendances.Local.Where(a => a.SessionId == sessionId && a.UserId == userId).ToList();
    }

    private static async Task<Attendance?> PresentAsync(ParleyDbContext db, string sessionId, string userId) =>
        (await AttendancesOfAsync(db, sessionId, userId)).FirstOrDefault(a => a.PresentSince is not null);

    private HashSet<string> PresentIn(string sessionId)
    {
        if (!_present.TryGetValue(sessionId, out var present))
        {
            _present[sessionId] = present = new HashSet<string>(StringComparer.Ordinal);
        }

        return present;
    }
}
