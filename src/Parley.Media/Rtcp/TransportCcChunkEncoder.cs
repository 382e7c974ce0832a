namespace Parley.Media.Rtcp;

/// <summary>
/// Packs a stream of status symbols into the fewest chunks the way libwebrtc does: a pending group grows while it
/// still fits a run, a 14-symbol one-bit vector or a 7-symbol two-bit vector, and is flushed when the next symbol
/// would not fit. Only the first 14 pending symbols are stored; longer groups are runs of one symbol.
/// </summary>
internal ref struct TransportCcChunkEncoder
{
    private readonly Span<TransportCcSymbol> _pending;
    private int _size;
    private bool _allSame;
    private bool _hasLargeDelta;

    public TransportCcChunkEncoder(Span<TransportCcSymbol> pendingBuffer)
    {
        _pending = pendingBuffer[..TransportCcChunks.OneBitCapacity];
        _size = 0;
        _allSame = true;
        _hasLargeDelta = false;
    }

    /// <summary>Adds a symbol; returns a completed chunk in <paramref name="chunk"/> when one had to be flushed.</summary>
    public bool Add(TransportCcSymbol symbol, out ushort chunk)
    {
        chunk = 0;
        var flushed = false;
        if (!CanAdd(symbol))
        {
            chunk = Flush();
            flushed = true;
        }

        if (_size < TransportCcChunks.OneBitCapacity)
        {
            _pending[_size] = symbol;
        }

        _allSame &= _size == 0 || _pending[0] == symbol;
        _hasLargeDelta |= symbol == TransportCcSymbol.LargeDelta;
        _size++;
        return flushed;
    }

    /// <summary>Encodes whatever is pending as the final chunk; false when nothing is pending.</summary>
    public bool Finish(out ushort chunk)
    {
        chunk = 0;
        if (_size == 0)
        {
            return false;
        }

        if (_allSame)
        {
            chunk = TransportCcChunks.RunLength(_pending[0], _size);
        }
        else if (_size <= TransportCcChunks.TwoBitCapacity)
        {
            chunk = TwoBitVector(_size);
        }
        else
        {
            chunk = OneBitVector(_size);
        }

        _size = 0;
        return true;
    }

    private readonly bool CanAdd(TransportCcSymbol symbol)
    {
        if (_size < TransportCcChunks.TwoBitCapacity)
        {
            return true;
        }

        if (_size < TransportCcChunks.OneBitCapacity && !_hasLargeDelta && symbol != TransportCcSymbol.LargeDelta)
        {
            return true;
        }

        return _allSame && _pending[0] == symbol && _size < TransportCcChunks.MaxRunLength;
    }

    private ushort Flush()
    {
        ushort chunk;
        if (_allSame)
        {
            chunk = TransportCcChunks.RunLength(_pending[0], _size);
            _size = 0;
        }
        else if (_size == TransportCcChunks.OneBitCapacity)
        {
            chunk = OneBitVector(_size);
            _size = 0;
        }
        else
        {
            // Two-bit vector of the first seven; the rest stays pending.
            chunk = TwoBitVector(TransportCcChunks.TwoBitCapacity);
            var rest = _size - TransportCcChunks.TwoBitCapacity;
            _pending.Slice(TransportCcChunks.TwoBitCapacity, rest).CopyTo(_pending);
            _size = rest;
        }

        _allSame = true;
        _hasLargeDelta = false;
        for (var i = 0; i < _size; i++)
        {
            _allSame &= _pending[i] == _pending[0];
            _hasLargeDelta |= _pending[i] == TransportCcSymbol.LargeDelta;
        }

        return chunk;
    }

    private readonly ushort OneBitVector(int count)
    {
        var chunk = 0x8000;
        for (var i = 0; i < count; i++)
        {
            chunk |= ((int)_pending[i] & 0x1) << (13 - i);
        }

        return (ushort)chunk;
    }

    private readonly ushort TwoBitVector(int count)
    {
        var chunk = 0xC000;
        for (var i = 0; i < count; i++)
        {
            chunk |= (int)_pending[i] << (12 - (2 * i));
        }

        return (ushort)chunk;
    }
}
