using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Parley.Server.Chat;

namespace Parley.Server.Hubs;

/// <summary>Reads the arguments of the chat methods, like <see cref="HubPayload"/>.</summary>
internal static class ChatPayload
{
    /// <summary><c>sendMessage({text, toUserId?})</c>: the text checked by <see cref="ChatText"/>.</summary>
    public static ChatSend ReadSend(JsonElement argument)
    {
        const string method = "sendMessage";
        HubPayload.RequireObject(argument, method);
        if (!argument.TryGetProperty("text", out var rawText) || rawText.ValueKind != JsonValueKind.String)
        {
            throw new HubException($"{method}: text is required (a string)");
        }

        var text = ChatText.Normalize(HubPayload.RequireText(rawText, method, "text"), out var error)
            ?? throw new HubException(error!);
        return new ChatSend(text, ModerationPayload.OptionalId(argument, method, "toUserId"));
    }

    /// <summary><c>getMessages({before?, limit?})</c>: limit 1 to <see cref="ChatService.MaxPage"/>, default <see cref="ChatService.DefaultPage"/>.</summary>
    public static ChatPage ReadPage(JsonElement argument)
    {
        const string method = "getMessages";
        var before = ModerationPayload.OptionalId(argument, method, "before");
        if (!argument.TryGetProperty("limit", out var rawLimit) || rawLimit.ValueKind == JsonValueKind.Null)
        {
            return new ChatPage(before, ChatService.DefaultPage);
        }

        return rawLimit.ValueKind == JsonValueKind.Number && rawLimit.TryGetInt32(out var limit) && limit is >= 1 and <= ChatService.MaxPage
            ? new ChatPage(before, limit)
            : throw new HubException($"{method}: limit must be a whole number from 1 to {ChatService.MaxPage}");
    }
}
