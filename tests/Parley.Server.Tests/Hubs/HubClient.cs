using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Parley.Server.Tests.Hubs;

/// <summary>A SignalR client of the hub under test that records every event the server sends it.</summary>
public sealed class HubClient : IAsyncDisposable
{
    public static readonly string[] EventNames =
    [
        "userJoined", "userLeft", "userUpdated", "joinRequest", "joinRequestCancelled",
        "admitted", "denied", "removed", "roomClosed", "sessionReplaced", "serverShuttingDown",
        "newProducer", "producerClosed", "producerPaused", "producerResumed",
        "consumerClosed", "consumerPaused", "consumerResumed", "consumerLayersChanged", "activeSpeaker",
        "consumerScore", "producerScore", "producerLayersWanted",
        "roomUpdated", "meetingEnded", "unmuteRequested", "handRaised", "handLowered", "reaction",
        "userConnectionChanged",
        "chatMessage", "chatMessageDeleted",
        "recordingStarted", "recordingStopped",
    ];

    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(15);
    private readonly ConcurrentDictionary<string, Channel<JsonElement>> _events = new();

    public HubClient(HubConnection connection, string userId)
    {
        Connection = connection;
        UserId = userId;
        foreach (var name in EventNames)
        {
            var channel = Channel.CreateUnbounded<JsonElement>();
            _events[name] = channel;
            connection.On<JsonElement>(name, payload => channel.Writer.TryWrite(payload));
        }
    }

    public HubConnection Connection { get; }

    public string UserId { get; }

    public Task<JsonElement> InvokeAsync(string method, object? argument) =>
        Connection.InvokeAsync<JsonElement>(method, argument);

    /// <summary>Invokes a method that must be refused; returns the reason the server gave.</summary>
    public async Task<string> RefusedAsync(string method, object? argument)
    {
        var error = await Assert.ThrowsAsync<HubException>(() => Connection.InvokeAsync<JsonElement>(method, argument));
        const string marker = "HubException: ";
        var at = error.Message.LastIndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"Not a HubException from the hub: {error.Message}");
        return error.Message[(at + marker.Length)..];
    }

    public Task<JsonElement> JoinAsync(string roomId) => InvokeAsync("joinRoom", new { roomId });

    public Task<JsonElement> NextAsync(string eventName) => NextAsync(eventName, EventTimeout);

    /// <summary>Waits up to <paramref name="within"/> for the next event of a kind.</summary>
    public async Task<JsonElement> NextAsync(string eventName, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            return await _events[eventName].Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{UserId} received no {eventName} within {within.TotalSeconds} s");
        }
    }

    /// <summary>Waits for the next event of a kind that matches, skipping others of that kind.</summary>
    public async Task<JsonElement> NextAsync(string eventName, Func<JsonElement, bool> match)
    {
        while (true)
        {
            var payload = await NextAsync(eventName);
            if (match(payload))
            {
                return payload;
            }
        }
    }

    /// <summary>True if an event of this kind has arrived (and is taken); events are checked after a round trip.</summary>
    public bool TryTake(string eventName, out JsonElement payload) => _events[eventName].Reader.TryRead(out payload);

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
