using Microsoft.Extensions.Logging.Abstractions;
using Parley.Server.RoomMedia;

namespace Parley.Server.Tests.RoomMedia;

/// <summary>The rooms' media events reach every listener, in order, whatever one of them does.</summary>
public sealed class RoomMediaEventsTests
{
    [Fact]
    public async Task A_listener_that_throws_is_logged_and_the_others_still_hear_the_event_in_subscription_order()
    {
        var events = new RoomMediaEvents(NullLogger<RoomMediaEvents>.Instance);
        var heard = new List<string>();
        var first = new Listener(e => heard.Add("first " + e.RoomId));
        var failing = new Listener(_ => throw new InvalidOperationException("a listener's fault"));
        var last = new Listener(e => heard.Add("last " + e.RoomId));
        events.Subscribe(first);
        events.Subscribe(failing);
        events.Subscribe(last);

        await events.PublishAsync(new ProducerClosed("room-1", "producer-1", "user-1"));
        events.Unsubscribe(first);
        await events.PublishAsync(new RoomMediaReleased("room-2"));

        Assert.Equal(["first room-1", "last room-1", "last room-2"], heard);
    }

    private sealed class Listener(Action<RoomMediaEvent> onEvent) : IRoomMediaListener
    {
        public ValueTask OnMediaEventAsync(RoomMediaEvent mediaEvent)
        {
            onEvent(mediaEvent);
            return ValueTask.CompletedTask;
        }
    }
}
