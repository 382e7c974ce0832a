namespace Parley.Media.Rtcp;

/// <summary>Iterates the items of one chunk up to its END byte.</summary>
internal ref struct SdesItemEnumerator
{
    private ReadOnlySpan<byte> _remaining;
    private SdesItem _current;

    public SdesItemEnumerator(ReadOnlySpan<byte> items)
    {
        _remaining = items;
    }

    public readonly SdesItem Current => _current;

    public readonly SdesItemEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_remaining.Length < 2 || _remaining[0] == (byte)SdesItemType.End || 2 + _remaining[1] > _remaining.Length)
        {
            return false;
        }

        var length = _remaining[1];
        _current = new SdesItem((SdesItemType)_remaining[0], _remaining.Slice(2, length));
        _remaining = _remaining[(2 + length)..];
        return true;
    }
}
