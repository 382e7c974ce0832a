using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Parley.Data;
using Parley.Data.Entities;
using Parley.Server.Hubs;
using Parley.Server.Membership;

namespace Parley.Server.Chat;

/// <summary>
/// Chat in a room (the contract's "Chat (hub)"): who may send, read and delete, and who is told. A message is
/// written and announced under the room's lock, so everyone receives a room's messages in the order they are
/// stored (the order <c>getMessages</c> pages by). Private messages reach and are readable by their two people
/// only; hosts moderate what they can see.
/// </summary>
internal sealed class ChatService(
    ChatStore store,
    ConnectionRegistry registry,
    RoomLocks locks,
    RoomEvents events,
    ChatRateLimiter rate,
    IOptions<ChatSettings> settings,
    TimeProvider time,
    ILogger<ChatService> logger)
{
    /// <summary>The largest page <c>getMessages</c> gives, and the page it gives when no limit is asked for.</summary>
    public const int MaxPage = 100;

    public const int DefaultPage = 50;

    public const string ChatOff = "Chat is turned off in this room";

    // A message once accepted is stored and announced whole; the caller's hang-up does not cut it in half.
    private static readonly CancellationToken NoCancel = CancellationToken.None;

    public async Task<ChatMessageDto> SendAsync(string connectionId, ChatSend request)
    {
        var roomId = RequireJoined(connectionId).RoomId!;
        using (await locks.AcquireAsync(roomId))
        {
            var sender = RequireJoined(connectionId, roomId);
            var chatEnabled = await store.IsChatEnabledAsync(roomId, NoCancel) ?? throw HubErrors.RoomNotFound();
            if (!chatEnabled)
            {
                throw new HubException(ChatOff);
            }

            string? recipientConnection = null;
            if (request.ToUserId is { } toUserId)
            {
                recipientConnection = toUserId == sender.UserId
                    ? throw new HubException("A private message goes to someone else: choose another person")
                    : registry.GetMemberConnection(roomId, toUserId) ?? throw new HubException("That person is not in this room");
            }

            if (!rate.TryTake(roomId, sender.UserId))
            {
                ChatLog.RateLimited(logger, sender.UserId, roomId);
                throw new HubException(
                    $"You are sending messages too fast: at most {settings.Value.Burst} at once, then one every {settings.Value.RefillInterval.TotalSeconds:0.#} s");
            }

            var name = await store.FindUserNameAsync(sender.UserId, NoCancel) ?? throw HubErrors.UserNotFound();
            var message = await store.AddAsync(
                new ChatMessage
                {
                    RoomId = roomId,
                    FromUserId = sender.UserId,
                    FromName = name,
                    ToUserId = request.ToUserId,
                    Text = request.Text,
                    CreatedAt = Timestamps.UtcNow(time),
                },
                NoCancel) ?? throw HubErrors.RoomNotFound();
            await AnnounceAsync(message, HubEventNames.ChatMessage, message);
            return message;
        }
    }

    public async Task<ChatMessagesResult> GetAsync(string connectionId, ChatPage page)
    {
        var reader = RequireJoined(connectionId);
        var messages = await store.PageAsync(reader.RoomId!, reader.UserId, page.Before, page.Limit, NoCancel)
            ?? throw MessageNotFound();
        return new ChatMessagesResult(messages);
    }

    public async Task DeleteAsync(string connectionId, string messageId)
    {
        var roomId = RequireJoined(connectionId).RoomId!;
        using (await locks.AcquireAsync(roomId))
        {
            var host = RequireJoined(connectionId, roomId);
            if (!host.IsHost)
            {
                throw HubErrors.HostOnly();
            }

            // Others' private messages are not the hosts' to see, so not to delete either: to them such an id is unknown.
            var message = await store.FindAsync(roomId, messageId, NoCancel);
            if (message is null || !message.IsVisibleTo(host.UserId) || !await store.DeleteAsync(roomId, messageId, NoCancel))
            {
                throw MessageNotFound();
            }

            ChatLog.Deleted(logger, host.UserId, messageId, roomId);
            await AnnounceAsync(message, HubEventNames.ChatMessageDeleted, new ChatMessageDeleted(messageId));
        }
    }

    /// <summary>An event about a message to those who may read it: the room, or the two people of a private message.</summary>
    private async Task AnnounceAsync(ChatMessageDto message, string eventName, object payload)
    {
        if (message.ToUserId is null)
        {
            await events.ToRoomAsync(message.RoomId, eventName, payload);
            return;
        }

        foreach (var userId in new[] { message.FromUserId, message.ToUserId })
        {
            if (registry.GetMemberConnection(message.RoomId, userId) is { } connection)
            {
                await events.ToConnectionAsync(connection, eventName, payload);
            }
        }
    }

    private Membership.ConnectionInfo RequireJoined(string connectionId, string? roomId = null)
    {
        var caller = registry.Find(connectionId);
        return caller is { IsJoined: true } && (roomId is null || caller.RoomId == roomId) ? caller : throw HubErrors.NotInRoom();
    }

    private static HubException MessageNotFound() => new("Message not found");
}
