namespace Parley.Server.Chat;

/// <summary>
/// The <c>Chat</c> configuration section. The rate is per person in a room (all of their connections together),
/// a token bucket: <see cref="Burst"/> messages at once, then one more every <see cref="RefillInterval"/> — by
/// default 5 at once and then 1 a second, which a person typing never reaches and a script flooding the room does.
/// </summary>
internal sealed class ChatSettings
{
    public const string SectionName = "Chat";

    /// <summary>Messages a person may send at once after a quiet spell.</summary>
    public int Burst { get; set; } = 5;

    /// <summary>How long until one more message may be sent.</summary>
    public TimeSpan RefillInterval { get; set; } = TimeSpan.FromSeconds(1);
}
