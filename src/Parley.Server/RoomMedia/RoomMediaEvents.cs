using System.Collections.Immutable;

namespace Parley.Server.RoomMedia;

/// <summary>Hears a room's media events. Handlers called under the room's lock must not take it.</summary>
internal interface IRoomMediaListener
{
    ValueTask OnMediaEventAsync(RoomMediaEvent mediaEvent);
}

/// <summary>
/// Where every room's <see cref="MediaRoom"/> publishes its <see cref="RoomMediaEvent"/>s, and where the layers above the
/// media subscribe. A listener that throws is logged and does not keep the event from the others.
/// </summary>
internal sealed class RoomMediaEvents(ILogger<RoomMediaEvents> logger)
{
    private ImmutableArray<IRoomMediaListener> _listeners = [];

    public void Subscribe(IRoomMediaListener listener) => ImmutableInterlocked.Update(ref _listeners, l => l.Add(listener));

    public void Unsubscribe(IRoomMediaListener listener) => ImmutableInterlocked.Update(ref _listeners, l => l.Remove(listener));

    /// <summary>Tells every listener, in subscription order, and returns when they have all handled it.</summary>
    public async ValueTask PublishAsync(RoomMediaEvent mediaEvent)
    {
        foreach (var listener in _listeners)
        {
            try
            {
                await listener.OnMediaEventAsync(mediaEvent);
            }
            catch (Exception exception)
            {
                MediaLog.EventFailed(logger, exception, mediaEvent.GetType().Name);
            }
        }
    }

    /// <summary>Publishes an event raised on an SFU thread, which must not wait for the listeners.</summary>
    public void Post(RoomMediaEvent mediaEvent) => _ = PublishAsync(mediaEvent).AsTask();
}
