using System.Buffers.Binary;

namespace Parley.Media.Rtcp;

/// <summary>Iterates chunks measured by <see cref="RtcpSourceDescription.TryParse"/>.</summary>
internal ref struct SdesChunkEnumerator
{
    private ReadOnlySpan<byte> _remaining;
    private int _left;
    private SdesChunk _current;

    public SdesChunkEnumerator(ReadOnlySpan<byte> chunks, int count)
    {
        _remaining = chunks;
        _left = count;
    }

    public readonly SdesChunk Current => _current;

    public readonly SdesChunkEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_left == 0 || !SdesChunk.TryMeasure(_remaining, out var length))
        {
            return false;
        }

        _current = new SdesChunk(BinaryPrimitives.ReadUInt32BigEndian(_remaining), _remaining[4..length]);
        _remaining = _remaining[length..];
        _left--;
        return true;
    }
}
