namespace Parley.Server.Membership;

/// <summary>
/// Hands room activity to every <see cref="IRoomActivitySink"/> (webhooks, history), one after the other, so that
/// each sees a room's activities in order.
/// </summary>
internal sealed class RoomActivityFanOut(IEnumerable<IRoomActivitySink> sinks)
{
    private readonly IRoomActivitySink[] _sinks = [.. sinks];

    public async Task RecordAsync(IReadOnlyList<RoomActivity> activities)
    {
        foreach (var sink in _sinks)
        {
            await sink.RecordAsync(activities);
        }
    }
}
