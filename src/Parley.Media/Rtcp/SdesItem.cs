namespace Parley.Media.Rtcp;

/// <summary>One SDES item: its type and value bytes (UTF-8 text for the standard types).</summary>
internal readonly ref struct SdesItem
{
    public SdesItem(SdesItemType type, ReadOnlySpan<byte> value)
    {
        Type = type;
        Value = value;
    }

    public SdesItemType Type { get; }

    public ReadOnlySpan<byte> Value { get; }
}
