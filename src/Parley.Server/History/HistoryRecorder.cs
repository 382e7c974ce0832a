using System.Threading.Channels;
using Parley.Data;
using Parley.Server.Membership;
using Parley.Server.RoomMedia;

namespace Parley.Server.History;

/// <summary>
/// Takes room activity and media use from the hub's path and queues it, stamped, for <see cref="HistoryWriter"/>:
/// nothing here touches the database, so writing history costs a join one queue write. Called under the room's
/// lock, so a room's changes are queued in the order they happened.
/// </summary>
internal sealed class HistoryRecorder(TimeProvider time) : IRoomActivitySink, IMediaUseSink
{
    private readonly Channel<HistoryChange> _changes = Channel.CreateUnbounded<HistoryChange>(
        new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<HistoryChange> Changes => _changes.Reader;

    public Task RecordAsync(IReadOnlyList<RoomActivity> activities)
    {
        var at = Timestamps.UtcNow(time);
        foreach (var activity in activities)
        {
            // Activities that are not about who was in a meeting (a recording being ready) leave history alone.
            HistoryChange? change = activity switch
            {
                MeetingStarted started => new SessionStartChange(started.RoomId, at),
                ParticipantJoined joined => new ArrivalChange(joined.RoomId, joined.UserId, at),
                ParticipantLeft left => new DepartureChange(left.RoomId, left.UserId, at),
                MeetingEnded ended => new SessionEndChange(ended.RoomId, ended.Reason == LeftReason.Ended, at),
                _ => null,
            };
            if (change is not null)
            {
                _changes.Writer.TryWrite(change);
            }
        }

        return Task.CompletedTask;
    }

    public void Produced(MediaPeer peer, MediaSource source)
    {
        if (source is MediaSource.Cam or MediaSource.Screen)
        {
            _changes.Writer.TryWrite(new MediaUseChange(peer.RoomId, peer.UserId, source, Timestamps.UtcNow(time)));
        }
    }
}
