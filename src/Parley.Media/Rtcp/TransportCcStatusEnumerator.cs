using System.Buffers.Binary;

namespace Parley.Media.Rtcp;

/// <summary>Expands the chunks and deltas of a parsed feedback packet into per-sequence statuses.</summary>
internal ref struct TransportCcStatusEnumerator
{
    private readonly ReadOnlySpan<byte> _chunks;
    private readonly ReadOnlySpan<byte> _deltas;
    private readonly int _count;
    private ushort _sequence;
    private int _index;
    private int _chunkOffset;
    private int _indexInChunk;
    private int _chunkSymbols;
    private ushort _chunk;
    private int _deltaOffset;
    private TransportCcPacketStatus _current;

    public TransportCcStatusEnumerator(ushort baseSequence, int count, ReadOnlySpan<byte> chunks, ReadOnlySpan<byte> deltas)
    {
        _chunks = chunks;
        _deltas = deltas;
        _count = count;
        _sequence = baseSequence;
        _chunkOffset = 0;
        _indexInChunk = 0;
        _chunkSymbols = 0;
    }

    public readonly TransportCcPacketStatus Current => _current;

    public readonly TransportCcStatusEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_index >= _count)
        {
            return false;
        }

        while (_indexInChunk >= _chunkSymbols)
        {
            if (_chunkOffset + 2 > _chunks.Length)
            {
                return false;
            }

            _chunk = BinaryPrimitives.ReadUInt16BigEndian(_chunks[_chunkOffset..]);
            _chunkOffset += 2;
            _chunkSymbols = TransportCcChunks.Capacity(_chunk);
            _indexInChunk = 0;
        }

        var symbol = TransportCcChunks.SymbolAt(_chunk, _indexInChunk++);
        long delta = 0;
        switch (symbol)
        {
            case TransportCcSymbol.SmallDelta when _deltaOffset + 1 <= _deltas.Length:
                delta = _deltas[_deltaOffset];
                _deltaOffset += 1;
                break;
            case TransportCcSymbol.LargeDelta when _deltaOffset + 2 <= _deltas.Length:
                delta = BinaryPrimitives.ReadInt16BigEndian(_deltas[_deltaOffset..]);
                _deltaOffset += 2;
                break;
            case TransportCcSymbol.NotReceived:
                break;
            default:
                return false;
        }

        _current = new TransportCcPacketStatus(_sequence, symbol, delta * RtcpTransportFeedback.DeltaTickMicroseconds);
        _sequence++;
        _index++;
        return true;
    }
}
