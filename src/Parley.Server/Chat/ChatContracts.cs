using Parley.Data.Entities;

namespace Parley.Server.Chat;

/// <summary>The contract's <c>chatMessage</c>: <c>{id, roomId, fromUserId, fromName, toUserId, text, createdAt}</c>.</summary>
public sealed record ChatMessageDto(
    string Id,
    string RoomId,
    string FromUserId,
    string FromName,
    string? ToUserId,
    string Text,
    DateTime CreatedAt)
{
    public static ChatMessageDto From(ChatMessage message) => new(
        message.Id, message.RoomId, message.FromUserId, message.FromName, message.ToUserId, message.Text, message.CreatedAt);

    /// <summary>Whether <paramref name="userId"/> may read it: everyone may read a message to everyone; a private one only its two people.</summary>
    public bool IsVisibleTo(string userId) => ToUserId is null || ToUserId == userId || FromUserId == userId;
}

/// <summary><c>{messages:[chatMessage]}</c>, newest last.</summary>
public sealed record ChatMessagesResult(IReadOnlyList<ChatMessageDto> Messages);

/// <summary>The event <c>chatMessageDeleted</c>: <c>{id}</c>.</summary>
public sealed record ChatMessageDeleted(string Id);

/// <summary>A <c>sendMessage</c> request: text checked by <see cref="ChatText"/>, the recipient (null: everyone).</summary>
internal sealed record ChatSend(string Text, string? ToUserId);

/// <summary>A <c>getMessages</c> request: older than message <c>Before</c> (null: the newest), at most <c>Limit</c>.</summary>
internal sealed record ChatPage(string? Before, int Limit);
