namespace Parley.Media.Rtcp;

/// <summary>Iterates report blocks already bounds-checked by the SR/RR parser.</summary>
internal ref struct RtcpReportBlockEnumerator
{
    private ReadOnlySpan<byte> _remaining;
    private RtcpReportBlock _current;

    public RtcpReportBlockEnumerator(ReadOnlySpan<byte> blocks)
    {
        _remaining = blocks;
    }

    public readonly RtcpReportBlock Current => _current;

    public readonly RtcpReportBlockEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (!RtcpReportBlock.TryParse(_remaining, out _current))
        {
            return false;
        }

        _remaining = _remaining[RtcpReportBlock.Size..];
        return true;
    }
}
