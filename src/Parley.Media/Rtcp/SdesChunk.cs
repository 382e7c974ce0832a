namespace Parley.Media.Rtcp;

/// <summary>One SDES chunk: its SSRC/CSRC and its items.</summary>
internal readonly ref struct SdesChunk
{
    private readonly ReadOnlySpan<byte> _items;

    public SdesChunk(uint ssrc, ReadOnlySpan<byte> items)
    {
        Ssrc = ssrc;
        _items = items;
    }

    public uint Ssrc { get; }

    public SdesItemEnumerator Items => new(_items);

    /// <summary>Finds the first item of <paramref name="type"/>.</summary>
    public bool TryGetItem(SdesItemType type, out ReadOnlySpan<byte> value)
    {
        foreach (var item in Items)
        {
            if (item.Type == type)
            {
                value = item.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>
    /// Measures the chunk at the start of <paramref name="source"/>: 4 bytes SSRC, items, END, and the null
    /// bytes up to the next 32-bit boundary. Fails when an item or the padding runs past the end.
    /// </summary>
    internal static bool TryMeasure(ReadOnlySpan<byte> source, out int length)
    {
        length = 0;
        if (source.Length < 8)
        {
            return false;
        }

        var position = 4;
        while (true)
        {
            if (position >= source.Length)
            {
                return false;
            }

            if (source[position] == (byte)SdesItemType.End)
            {
                break;
            }

            if (position + 2 > source.Length || position + 2 + source[position + 1] > source.Length)
            {
                return false;
            }

            position += 2 + source[position + 1];
        }

        length = (position + 4) & ~3; // the END byte plus null padding to the boundary
        return length <= source.Length;
    }
}
