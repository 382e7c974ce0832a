using System.Buffers.Binary;

namespace Parley.Media.Rtcp;

/// <summary>Expands NACK entries into lost sequence numbers without allocating.</summary>
internal ref struct NackLostSequenceEnumerator
{
    private ReadOnlySpan<byte> _items;
    private ushort _packetId;
    private int _bitmask;
    private int _bit; // -1: the PID itself is next
    private ushort _current;

    public NackLostSequenceEnumerator(ReadOnlySpan<byte> items)
    {
        _items = items;
        _bit = 17;
    }

    public readonly ushort Current => _current;

    public readonly NackLostSequenceEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        while (true)
        {
            if (_bit == -1)
            {
                _current = _packetId;
                _bit = 0;
                return true;
            }

            while (_bit < 16)
            {
                var bit = _bit++;
                if ((_bitmask & (1 << bit)) != 0)
                {
                    _current = (ushort)(_packetId + bit + 1);
                    return true;
                }
            }

            if (_items.Length < RtcpNackItem.Size)
            {
                return false;
            }

            _packetId = BinaryPrimitives.ReadUInt16BigEndian(_items);
            _bitmask = BinaryPrimitives.ReadUInt16BigEndian(_items[2..]);
            _items = _items[RtcpNackItem.Size..];
            _bit = -1;
        }
    }
}
