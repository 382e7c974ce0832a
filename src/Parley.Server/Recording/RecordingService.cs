using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Data;
using Parley.Data.Entities;
using Parley.Server.Cluster;
using Parley.Server.Hubs;
using Parley.Server.Membership;
using Parley.Server.RoomMedia;

namespace Parley.Server.Recording;

/// <summary>
/// The one authority on which rooms are recording: starts and stops a <see cref="RoomRecorder"/> per room, follows the
/// SFU (producers added while recording, the room released when the meeting ends), keeps the <c>recording</c> rows,
/// and composes stopped recordings one at a time in the background. At start-up it kills ffmpeg processes a crashed
/// run left behind and finishes (or fails) the recordings that run left open; at shutdown it stops every recording.
/// </summary>
internal sealed class RecordingService(
    MediaRooms rooms,
    RoomMediaEvents mediaEvents,
    RoomLocks locks,
    IDbContextFactory<ParleyDbContext> contexts,
    IHubContext<RoomHub> hub,
    RecordingComposer composer,
    IRoomActivitySink activity,
    IOptions<RecordingSettings> options,
    LeftoverOwnership ownership,
    IHostEnvironment environment,
    TimeProvider time,
    ILogger<RecordingService> logger) : IHostedService, IRoomMediaListener
{
    private readonly ConcurrentDictionary<string, RoomRecorder> _active = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Channel<string> _compositions = Channel.CreateUnbounded<string>();
    private readonly CancellationTokenSource _shutdown = new();
    private Task _composing = Task.CompletedTask;

    /// <summary>The folder recordings are written to.</summary>
    public string Root => Path.GetFullPath(options.Value.Path, environment.ContentRootPath);

    /// <summary>The room's running recording, or null.</summary>
    public ActiveRecording? Current(string roomId) =>
        _active.TryGetValue(roomId, out var recorder) ? new ActiveRecording(recorder.RecordingId, recorder.StartedAt) : null;

    /// <summary>Starts recording a room the caller (a host) is in; refused while one runs, over the limit, or without disk space.</summary>
    public async Task<ActiveRecording> StartAsync(string roomId, string userId)
    {
        await _gate.WaitAsync();
        try
        {
            var settings = options.Value;
            if (_active.ContainsKey(roomId))
            {
                throw Refused(roomId, "Already recording");
            }

            if (_active.Count >= settings.MaxConcurrentRecordings)
            {
                throw Refused(roomId, $"This server records at most {settings.MaxConcurrentRecordings} meetings at once; try again when one has stopped");
            }

            Directory.CreateDirectory(Root);
            var free = new DriveInfo(Root).AvailableFreeSpace;
            if (free < settings.MinFreeBytes)
            {
                throw Refused(roomId, $"Not enough disk space to record: {free / (1024 * 1024)} MB free, {settings.MinFreeBytes / (1024 * 1024)} MB needed");
            }

            var now = Timestamps.UtcNow(time);
            var row = new Data.Entities.Recording
            {
                RoomId = roomId, StartedByUserId = userId, StartedAt = now, UpdatedAt = now, Status = RecordingStatuses.Recording,
                NodeId = ownership.NodeId,
            };
            await using (var db = await contexts.CreateDbContextAsync())
            {
                db.Recordings.Add(row);
                await db.SaveChangesAsync();
            }

            var folder = RecordingFiles.RecordingFolder(Root, roomId, row.Id);
            Directory.CreateDirectory(folder);
            var recorder = new RoomRecorder(row.Id, roomId, now, folder, settings, logger);
            recorder.DiskFull += (full, error) => _ = FailForFullDiskAsync(full, error);
            await recorder.WriteManifestAsync();
            using (await locks.AcquireAsync(roomId))
            {
                // Under the room's lock, producers added from here on raise ProducerAdded after we are in the map.
                _active[roomId] = recorder;
                if (rooms.FindRoom(roomId) is { } room)
                {
                    foreach (var producer in room.Producers)
                    {
                        recorder.Add(room.Router, producer);
                    }
                }
            }

            RecordingLog.Started(logger, row.Id, roomId, userId);
            var started = new ActiveRecording(row.Id, now);
            await hub.Clients.Group(RoomEvents.GroupOf(roomId)).SendAsync(RecordingEventNames.RecordingStarted, started);
            return started;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the room's recording and queues its composition; refused when none runs.</summary>
    public async Task StopAsync(string roomId)
    {
        if (!await StopIfRecordingAsync(roomId, "stopped by a host"))
        {
            throw Refused(roomId, "Not recording");
        }
    }

    /// <summary>Stops the room's recording if one runs; false when none did.</summary>
    public async Task<bool> StopIfRecordingAsync(string roomId, string reason)
    {
        RoomRecorder? recorder;
        await _gate.WaitAsync();
        try
        {
            if (!_active.TryRemove(roomId, out recorder))
            {
                return false;
            }
        }
        finally
        {
            _gate.Release();
        }

        var endedAt = Timestamps.UtcNow(time);
        await hub.Clients.Group(RoomEvents.GroupOf(roomId)).SendAsync(RecordingEventNames.RecordingStopped, new { recordingId = recorder.RecordingId });
        var manifest = await recorder.StopAsync();
        RecordingLog.Stopped(logger, recorder.RecordingId, roomId, reason, manifest.Segments.Count);
        var stillThere = await UpdateAsync(recorder.RecordingId, row =>
        {
            row.Status = RecordingStatuses.Processing;
            row.EndedAt = endedAt;
        });
        if (stillThere)
        {
            _compositions.Writer.TryWrite(recorder.RecordingId);
        }
        else
        {
            // The room (and with it the row) was deleted while recording.
            DeleteFolder(RecordingFiles.RecordingFolder(Root, roomId, recorder.RecordingId));
        }

        return true;
    }

    /// <summary>
    /// The disk filled while recording: the recording stops at once (every ffmpeg), is marked failed with the reason,
    /// and its partial files are removed — they would keep the disk full for everyone, and nothing half-written is
    /// ever composed or offered as ready. The meeting itself goes on.
    /// </summary>
    private async Task FailForFullDiskAsync(RoomRecorder recorder, string writerError)
    {
        var roomId = recorder.RoomId;
        try
        {
            await _gate.WaitAsync();
            try
            {
                // Only this recording: a host may have stopped it (or started the next one) meanwhile.
                if (!_active.TryRemove(KeyValuePair.Create(roomId, recorder)))
                {
                    return;
                }
            }
            finally
            {
                _gate.Release();
            }

            var endedAt = Timestamps.UtcNow(time);
            await hub.Clients.Group(RoomEvents.GroupOf(roomId)).SendAsync(RecordingEventNames.RecordingStopped, new { recordingId = recorder.RecordingId });
            var manifest = await recorder.StopAsync();
            RecordingLog.Stopped(logger, recorder.RecordingId, roomId, "the disk is full", manifest.Segments.Count);
            DeleteFolder(recorder.Folder);
            var error = $"The recording stopped because the disk holding the recordings is full ({LastLine(writerError)}). "
                + $"Its partial files were removed ({RecordingDisk.FreeBytes(Root) / (1024 * 1024)} MB free now); free some space and record again.";
            RecordingLog.Failed(logger, recorder.RecordingId, error);
            await UpdateAsync(recorder.RecordingId, row =>
            {
                row.Status = RecordingStatuses.Failed;
                row.EndedAt = endedAt;
                row.Error = error;
            });
        }
        catch (Exception exception)
        {
            RecordingLog.Unexpected(logger, exception, roomId);
        }
    }

    private static string LastLine(string error)
    {
        var last = error.Split(" | ").LastOrDefault(RecordingDisk.SaysFull) ?? error;
        return last.Length <= 200 ? last : last[..200] + "…";
    }

    /// <summary>Removes a recording's files (its row is the caller's to remove).</summary>
    public void DeleteFiles(string roomId, string recordingId) => DeleteFolder(RecordingFiles.RecordingFolder(Root, roomId, recordingId));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        mediaEvents.Subscribe(this);
        OrphanProcesses.KillUnder(Root, logger);
        await RecoverAsync(cancellationToken);
        _composing = Task.Run(ComposeLoopAsync, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        mediaEvents.Unsubscribe(this);
        // Every running recording is finished on disk; its composition runs at the next start.
        await Task.WhenAll(_active.Keys.ToList().Select(roomId => StopIfRecordingAsync(roomId, "server shutting down")));
        _compositions.Writer.TryComplete();
        await _shutdown.CancelAsync();
        await _composing;
    }

    /// <summary>Follows the producers of recording rooms, and stops a recording when its meeting ends.</summary>
    public ValueTask OnMediaEventAsync(RoomMediaEvent mediaEvent)
    {
        switch (mediaEvent)
        {
            case ProducerAdded added when _active.TryGetValue(added.RoomId, out var recorder):
                recorder.Add(added.Room.Router, added.Producer);
                break;
            case RoomMediaReleased released:
                // Published under the room's lock, which stopping takes: it runs after.
                _ = OnRoomReleasedAsync(released.RoomId);
                break;
        }

        return ValueTask.CompletedTask;
    }

    private async Task OnRoomReleasedAsync(string roomId)
    {
        try
        {
            // The meeting ended (the last person left, a host ended it, or the room was deleted).
            await StopIfRecordingAsync(roomId, "meeting ended");
            await using var db = await contexts.CreateDbContextAsync();
            if (!await db.Rooms.AnyAsync(r => r.Id == roomId))
            {
                DeleteFolder(RecordingFiles.RoomFolder(Root, roomId));
            }
        }
        catch (Exception exception)
        {
            RecordingLog.Unexpected(logger, exception, roomId);
        }
    }

    /// <summary>
    /// Finishes the recordings an earlier run left open; among several nodes only this node's and those of nodes no
    /// longer alive (see <see cref="LeftoverOwnership"/>), never one a live node is running.
    /// </summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var open = await db.Recordings
            .Where(r => r.Status == RecordingStatuses.Recording || r.Status == RecordingStatuses.Processing)
            .ToListAsync(cancellationToken);
        var finishable = await ownership.FinishableAsync(open.Select(r => r.NodeId));
        var self = ownership.NodeId;
        foreach (var row in open.Where(r => finishable.Contains(r.NodeId)))
        {
            // Another survivor may take over the same dead node's recordings: one statement claims each for one node.
            var previous = row.NodeId;
            if (previous != self
                && await db.Recordings.Where(r => r.Id == row.Id && r.NodeId == previous)
                    .ExecuteUpdateAsync(set => set.SetProperty(r => r.NodeId, self), cancellationToken) == 0)
            {
                continue;
            }

            row.NodeId = self;
            var status = row.Status;
            if (status == RecordingStatuses.Recording)
            {
                // The server died while recording: what reached the disk is composed, up to the track files' end.
                row.Status = RecordingStatuses.Processing;
            }

            row.UpdatedAt = Timestamps.UtcNow(time);
            RecordingLog.Recovered(logger, row.Id, status, "composing what reached the disk");
            _compositions.Writer.TryWrite(row.Id);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task ComposeLoopAsync()
    {
        try
        {
            await foreach (var recordingId in _compositions.Reader.ReadAllAsync(_shutdown.Token))
            {
                try
                {
                    await ComposeAsync(recordingId, _shutdown.Token);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // One composition's fault must not stop the loop, or every later recording would stay "processing".
                    RecordingLog.CompositionFault(logger, exception, recordingId);
                    await UpdateAsync(recordingId, r =>
                    {
                        if (r.Status == RecordingStatuses.Processing)
                        {
                            r.Status = RecordingStatuses.Failed;
                            r.Error = "The composition failed unexpectedly; see the server's log.";
                        }
                    });
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutdown: an unfinished composition stays "processing" and runs again at the next start.
        }
    }

    private async Task ComposeAsync(string recordingId, CancellationToken cancellationToken)
    {
        Data.Entities.Recording? row;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            row = await db.Recordings.AsNoTracking().FirstOrDefaultAsync(r => r.Id == recordingId, cancellationToken);
        }

        if (row is null)
        {
            return;
        }

        var folder = RecordingFiles.RecordingFolder(Root, row.RoomId, row.Id);
        try
        {
            var manifest = await RecordingFiles.ReadManifestAsync(folder)
                ?? throw new RecordingFailedException("The recording's files are missing (the server stopped before any track was written).");
            var duration = row.EndedAt is { } ended ? (ended - row.StartedAt).TotalSeconds : (double?)null;
            var composed = await composer.ComposeAsync(
                row.Id, folder, manifest, duration, percent => _ = UpdateAsync(recordingId, r => r.Progress = percent), cancellationToken);
            var ready = await UpdateAsync(recordingId, r =>
            {
                r.Status = RecordingStatuses.Ready;
                r.Progress = 100;
                r.FileName = composed.FileName;
                r.SizeBytes = composed.SizeBytes;
                r.DurationSeconds = Math.Round(composed.DurationSeconds, 3);
                r.MimeType = composed.MimeType;
                r.EndedAt ??= row.StartedAt.AddSeconds(composed.DurationSeconds);
            });
            if (!ready)
            {
                DeleteFolder(folder);
                return;
            }

            if (!options.Value.KeepTrackFiles)
            {
                RemoveTrackFiles(folder, manifest);
            }

            await activity.RecordAsync([new RecordingReady(row.RoomId, row.Id, composed.DurationSeconds, composed.SizeBytes, composed.MimeType)]);
        }
        catch (RecordingFailedException failed)
        {
            RecordingLog.Failed(logger, recordingId, failed.Message);
            await UpdateAsync(recordingId, r =>
            {
                r.Status = RecordingStatuses.Failed;
                r.Error = failed.Message;
            });
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            var error = $"The composition could not run: {exception.Message}";
            RecordingLog.Failed(logger, recordingId, error);
            await UpdateAsync(recordingId, r =>
            {
                r.Status = RecordingStatuses.Failed;
                r.Error = error;
            });
        }
    }

    private static void RemoveTrackFiles(string folder, RecordingManifest manifest)
    {
        foreach (var segment in manifest.Segments)
        {
            var media = Path.Combine(folder, segment.FileName);
            File.Delete(media);
            File.Delete(Path.ChangeExtension(media, ".sdp"));
        }
    }

    /// <summary>Changes a recording's row; false when it is gone (deleted, or its room was).</summary>
    private async Task<bool> UpdateAsync(string recordingId, Action<Data.Entities.Recording> change)
    {
        await using var db = await contexts.CreateDbContextAsync();
        var row = await db.Recordings.FirstOrDefaultAsync(r => r.Id == recordingId);
        if (row is null)
        {
            return false;
        }

        change(row);
        row.UpdatedAt = Timestamps.UtcNow(time);
        await db.SaveChangesAsync();
        return true;
    }

    private void DeleteFolder(string folder)
    {
        if (!RecordingFiles.TryDelete(folder, out var reason))
        {
            RecordingLog.CleanupFailed(logger, folder, reason!);
        }
    }

    private RecordingRefusedException Refused(string roomId, string reason)
    {
        RecordingLog.Refused(logger, roomId, reason);
        return new RecordingRefusedException(reason);
    }
}
