namespace Parley.Media.Allocation;

/// <summary>Who is served first when bandwidth is short; lower values first.</summary>
internal enum ConsumerPriority : byte
{
    ScreenShare,
    ActiveSpeaker,
    Other,
}
