using System.Buffers.Binary;

namespace Parley.Media.Rtp;

/// <summary>
/// A view of an RTP payload for redundant audio data (RFC 2198 §3, <c>audio/red</c>): block headers, then the blocks'
/// data in the same order. Each redundant block has a 4-byte header (F=1, block payload type, 14-bit timestamp offset,
/// 10-bit length); the last header is one byte (F=0, the primary's payload type), and the primary's data is whatever
/// follows the redundant blocks. Chromium sends Opus with one redundant copy of the previous frame.
/// </summary>
internal readonly ref struct RedPayload
{
    /// <summary>The length of a redundant block's header.</summary>
    public const int RedundantHeaderLength = 4;

    /// <summary>The largest timestamp offset a redundant block header holds (14 bits).</summary>
    public const int MaxTimestampOffset = 0x3FFF;

    /// <summary>The largest redundant block a header describes (10 bits).</summary>
    public const int MaxBlockLength = 0x3FF;

    private readonly ReadOnlySpan<byte> _payload;

    private RedPayload(ReadOnlySpan<byte> payload, int redundantCount, int primaryOffset)
    {
        _payload = payload;
        RedundantCount = redundantCount;
        PrimaryOffset = primaryOffset;
    }

    /// <summary>How many redundant blocks precede the primary.</summary>
    public int RedundantCount { get; }

    /// <summary>The length of the block headers (4 per redundant block, 1 for the primary).</summary>
    public int HeaderLength => (RedundantCount * RedundantHeaderLength) + 1;

    /// <summary>Where the primary's data starts in the payload.</summary>
    public int PrimaryOffset { get; }

    /// <summary>The primary encoding's payload type.</summary>
    public byte PrimaryPayloadType => (byte)(_payload[RedundantCount * RedundantHeaderLength] & 0x7F);

    /// <summary>The primary encoding's data: the rest of the payload after the redundant blocks.</summary>
    public ReadOnlySpan<byte> Primary => _payload[PrimaryOffset..];

    /// <summary>The redundant blocks, oldest first as sent.</summary>
    public RedBlockEnumerator RedundantBlocks => new(_payload, RedundantCount);

    /// <summary>
    /// Reads a RED payload (without RTP padding); false when a header or a block runs past the end. An empty primary is
    /// well-formed (a sender may have nothing new to say).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, out RedPayload red)
    {
        red = default;
        var position = 0;
        var dataLength = 0;
        var count = 0;
        while (true)
        {
            if (position >= payload.Length)
            {
                return false;
            }

            if ((payload[position] & 0x80) == 0)
            {
                break;
            }

            if (position + RedundantHeaderLength > payload.Length)
            {
                return false;
            }

            dataLength += BinaryPrimitives.ReadUInt16BigEndian(payload[(position + 2)..]) & MaxBlockLength;
            position += RedundantHeaderLength;
            count++;
        }

        var primaryOffset = position + 1 + dataLength;
        if (primaryOffset > payload.Length)
        {
            return false;
        }

        red = new RedPayload(payload, count, primaryOffset);
        return true;
    }

    /// <summary>
    /// Renumbers every block's payload type in place through <paramref name="map"/> (index: old payload type, value: new;
    /// 0xFF: unknown). False, with the payload left as it was, when it does not parse or a block's type is unknown.
    /// </summary>
    public static bool TryMapPayloadTypes(Span<byte> payload, ReadOnlySpan<byte> map)
    {
        if (!TryParse(payload, out var red))
        {
            return false;
        }

        var headerLength = red.HeaderLength;
        for (var position = 0; position < headerLength; position += RedundantHeaderLength)
        {
            if (map[payload[position] & 0x7F] > 0x7F)
            {
                return false;
            }
        }

        for (var position = 0; position < headerLength; position += RedundantHeaderLength)
        {
            payload[position] = (byte)((payload[position] & 0x80) | map[payload[position] & 0x7F]);
        }

        return true;
    }
}

/// <summary>One redundant block of a RED payload.</summary>
internal readonly ref struct RedBlock
{
    public RedBlock(byte payloadType, int timestampOffset, ReadOnlySpan<byte> data)
    {
        PayloadType = payloadType;
        TimestampOffset = timestampOffset;
        Data = data;
    }

    /// <summary>The block's payload type.</summary>
    public byte PayloadType { get; }

    /// <summary>How far before the packet's timestamp the block's media was (its timestamp is the packet's minus this).</summary>
    public int TimestampOffset { get; }

    /// <summary>The block's data.</summary>
    public ReadOnlySpan<byte> Data { get; }
}

/// <summary>Walks the redundant blocks of a parsed RED payload without allocating.</summary>
internal ref struct RedBlockEnumerator
{
    private readonly ReadOnlySpan<byte> _payload;
    private readonly int _count;
    private int _index;
    private int _dataOffset;

    internal RedBlockEnumerator(ReadOnlySpan<byte> payload, int count)
    {
        _payload = payload;
        _count = count;
        _index = -1;
        _dataOffset = (count * RedPayload.RedundantHeaderLength) + 1;
        Current = default;
    }

    /// <summary>The current block.</summary>
    public RedBlock Current { get; private set; }

    /// <summary>Returns itself, for <c>foreach</c>.</summary>
    public readonly RedBlockEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next block.</summary>
    public bool MoveNext()
    {
        if (_index >= 0)
        {
            _dataOffset += Current.Data.Length;
        }

        if (++_index >= _count)
        {
            return false;
        }

        var header = _payload[(_index * RedPayload.RedundantHeaderLength)..];
        var offsetAndLength = BinaryPrimitives.ReadUInt32BigEndian(header) & 0x00FFFFFF;
        var length = (int)(offsetAndLength & RedPayload.MaxBlockLength);
        Current = new RedBlock((byte)(header[0] & 0x7F), (int)(offsetAndLength >> 10), _payload.Slice(_dataOffset, length));
        return true;
    }
}

/// <summary>
/// Writes a RED payload: the number of redundant blocks is given first (their headers precede all data), then each
/// redundant block, then the primary.
/// </summary>
internal ref struct RedPayloadWriter
{
    private readonly Span<byte> _destination;
    private readonly int _redundantCount;
    private int _added;
    private int _dataOffset;
    private bool _failed;

    /// <summary>Starts a payload in <paramref name="destination"/> that will hold <paramref name="redundantCount"/> redundant blocks.</summary>
    public RedPayloadWriter(Span<byte> destination, int redundantCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(redundantCount);
        _destination = destination;
        _redundantCount = redundantCount;
        _dataOffset = (redundantCount * RedPayload.RedundantHeaderLength) + 1;
        _failed = _dataOffset > destination.Length;
    }

    /// <summary>Adds the next redundant block; false when it does not fit the format or the destination, or all were added.</summary>
    public bool TryAddRedundant(byte payloadType, int timestampOffset, ReadOnlySpan<byte> data)
    {
        if (_failed || _added >= _redundantCount || payloadType > 0x7F
            || timestampOffset is < 0 or > RedPayload.MaxTimestampOffset || data.Length > RedPayload.MaxBlockLength
            || _dataOffset + data.Length > _destination.Length)
        {
            _failed = true;
            return false;
        }

        var header = _destination[(_added * RedPayload.RedundantHeaderLength)..];
        header[0] = (byte)(0x80 | payloadType);
        var offsetAndLength = ((uint)timestampOffset << 10) | (uint)data.Length;
        header[1] = (byte)(offsetAndLength >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)offsetAndLength);
        data.CopyTo(_destination[_dataOffset..]);
        _dataOffset += data.Length;
        _added++;
        return true;
    }

    /// <summary>Adds the primary and returns the payload's length; false when a block is missing or it does not fit.</summary>
    public bool TryFinish(byte payloadType, ReadOnlySpan<byte> primary, out int written)
    {
        written = 0;
        if (_failed || _added != _redundantCount || payloadType > 0x7F || _dataOffset + primary.Length > _destination.Length)
        {
            return false;
        }

        _destination[_redundantCount * RedPayload.RedundantHeaderLength] = payloadType;
        primary.CopyTo(_destination[_dataOffset..]);
        written = _dataOffset + primary.Length;
        return true;
    }
}
