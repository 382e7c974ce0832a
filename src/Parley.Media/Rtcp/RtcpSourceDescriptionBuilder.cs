using System.Buffers.Binary;

namespace Parley.Media.Rtcp;

/// <summary>Writes an SDES packet chunk by chunk into a caller's buffer, ending each chunk canonically.</summary>
internal ref struct RtcpSourceDescriptionBuilder
{
    private readonly Span<byte> _destination;
    private int _position;
    private int _chunkCount;
    private bool _chunkOpen;
    private bool _failed;

    public RtcpSourceDescriptionBuilder(Span<byte> destination)
    {
        _destination = destination;
        _position = RtcpHeader.Size;
        _failed = destination.Length < RtcpHeader.Size;
    }

    public bool TryAddChunk(uint ssrc)
    {
        if (_failed || _chunkCount == RtcpHeader.MaxCount || !CloseChunk() || !Fits(4))
        {
            return Fail();
        }

        BinaryPrimitives.WriteUInt32BigEndian(_destination[_position..], ssrc);
        _position += 4;
        _chunkCount++;
        _chunkOpen = true;
        return true;
    }

    public bool TryAddItem(SdesItemType type, scoped ReadOnlySpan<byte> value)
    {
        if (_failed || !_chunkOpen || type == SdesItemType.End || value.Length > byte.MaxValue || !Fits(2 + value.Length))
        {
            return Fail();
        }

        _destination[_position] = (byte)type;
        _destination[_position + 1] = (byte)value.Length;
        value.CopyTo(_destination[(_position + 2)..]);
        _position += 2 + value.Length;
        return true;
    }

    public bool TryFinish(out int written)
    {
        written = 0;
        if (_failed || !CloseChunk()
            || !RtcpHeader.TryWrite(_destination, _chunkCount, RtcpPacketType.SourceDescription, _position))
        {
            return Fail();
        }

        written = _position;
        _failed = true;
        return true;
    }

    private bool CloseChunk()
    {
        if (!_chunkOpen)
        {
            return true;
        }

        // END, then nulls to the boundary: always 1 to 4 zero bytes.
        var end = (_position + 4) & ~3;
        if (end > _destination.Length)
        {
            return false;
        }

        _destination[_position..end].Clear();
        _position = end;
        _chunkOpen = false;
        return true;
    }

    private readonly bool Fits(int count) => _position + count <= _destination.Length;

    private bool Fail()
    {
        _failed = true;
        return false;
    }
}
