using System.Buffers.Binary;

namespace Parley.Media.Rtcp;

/// <summary>SDES item types (RFC 3550 §6.5).</summary>
internal enum SdesItemType : byte
{
    End = 0,
    Cname = 1,
    Name = 2,
    Email = 3,
    Phone = 4,
    Location = 5,
    Tool = 6,
    Note = 7,
    Private = 8,
}

/// <summary>
/// A source description packet (RFC 3550 §6.5): a list of chunks, each an SSRC followed by typed items, an END
/// byte and null padding to the next 32-bit boundary. Parsing walks every chunk once, so the enumerators
/// returned afterwards never meet a malformed byte.
/// </summary>
internal readonly ref struct RtcpSourceDescription
{
    private readonly ReadOnlySpan<byte> _body;

    private RtcpSourceDescription(ReadOnlySpan<byte> body, int chunkCount)
    {
        _body = body;
        ChunkCount = chunkCount;
    }

    public int ChunkCount { get; }

    public SdesChunkEnumerator Chunks => new(_body, ChunkCount);

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpSourceDescription description)
    {
        description = default;
        if (!RtcpHeader.TrySplit(packet, out var header, out var body) || header.PacketType != RtcpPacketType.SourceDescription)
        {
            return false;
        }

        var position = 0;
        for (var chunk = 0; chunk < header.Count; chunk++)
        {
            if (!SdesChunk.TryMeasure(body[position..], out var chunkLength))
            {
                return false;
            }

            position += chunkLength;
        }

        description = new RtcpSourceDescription(body[..position], header.Count);
        return true;
    }

    /// <summary>Writes an SDES packet with one chunk holding one CNAME item, the form every RTP sender emits.</summary>
    public static bool TryWriteCname(Span<byte> destination, uint ssrc, ReadOnlySpan<byte> cnameUtf8, out int written)
    {
        var builder = new RtcpSourceDescriptionBuilder(destination);
        written = 0;
        return builder.TryAddChunk(ssrc) && builder.TryAddItem(SdesItemType.Cname, cnameUtf8) && builder.TryFinish(out written);
    }
}

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

    public bool TryAddItem(SdesItemType type, ReadOnlySpan<byte> value)
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
