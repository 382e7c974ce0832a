using System.Text.Json;
using Parley.Server.Chat;

namespace Parley.Server.Hubs;

/// <summary>
/// Chat (the contract's "Chat (hub)"), handed to <see cref="ChatService"/>. The service comes in as a method
/// parameter (SignalR resolves it from the call's scope), so chat needs nothing of the hub's constructor.
/// </summary>
internal sealed partial class RoomHub
{
    public Task<ChatMessageDto> SendMessage(JsonElement request, ChatService chat) =>
        chat.SendAsync(Context.ConnectionId, ChatPayload.ReadSend(request));

    public Task<ChatMessagesResult> GetMessages(JsonElement request, ChatService chat) =>
        chat.GetAsync(Context.ConnectionId, ChatPayload.ReadPage(request));

    public async Task<EmptyResult> DeleteMessage(JsonElement request, ChatService chat)
    {
        await chat.DeleteAsync(Context.ConnectionId, HubPayload.RequireId(request, "deleteMessage", "messageId"));
        return Empty;
    }
}
