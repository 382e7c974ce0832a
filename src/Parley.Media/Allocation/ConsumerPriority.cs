namespace Parley.Media.Allocation;

/// <summary>Who is served first when a transport's bandwidth is short; lower values first.</summary>
public enum ConsumerPriority
{
    /// <summary>A shared screen: its text must stay readable.</summary>
    ScreenShare,

    /// <summary>The one speaking now.</summary>
    ActiveSpeaker,

    /// <summary>Everyone else (the small tiles).</summary>
    Other,
}
