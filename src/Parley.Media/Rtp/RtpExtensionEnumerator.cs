namespace Parley.Media.Rtp;

/// <summary>
/// Walks the elements of a one-byte or two-byte header extension block (RFC 8285), skipping padding bytes
/// and stopping at the one-byte ID 15 terminator or at the first element that would overrun the block.
/// </summary>
internal ref struct RtpExtensionEnumerator
{
    private const byte OneByteTerminatorId = 15;

    private readonly Span<byte> _data;
    private readonly RtpHeaderExtensionForm _form;
    private int _position;
    private RtpExtensionElement _current;

    public RtpExtensionEnumerator(Span<byte> data, RtpHeaderExtensionForm form)
    {
        _data = data;
        _form = form;
        _position = 0;
        _current = default;
    }

    public readonly RtpExtensionElement Current => _current;

    /// <summary>True when the walk stopped at an element that does not fit, rather than at the end or at ID 15.</summary>
    public bool IsMalformed { get; private set; }

    public readonly RtpExtensionEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        return _form switch
        {
            RtpHeaderExtensionForm.OneByte => MoveNextOneByte(),
            RtpHeaderExtensionForm.TwoByte => MoveNextTwoByte(),
            _ => false,
        };
    }

    private bool MoveNextOneByte()
    {
        while (_position < _data.Length)
        {
            var headerOffset = _position;
            var header = _data[_position];
            if (header == 0)
            {
                _position++;
                continue;
            }

            var id = (byte)(header >> 4);
            if (id == OneByteTerminatorId)
            {
                _position = _data.Length;
                return false;
            }

            if (id == 0)
            {
                // ID 0 is padding only; a non-zero length there is not a valid element.
                IsMalformed = true;
                _position = _data.Length;
                return false;
            }

            var length = (header & 0x0F) + 1;
            var valueOffset = _position + 1;
            if (valueOffset + length > _data.Length)
            {
                IsMalformed = true;
                _position = _data.Length;
                return false;
            }

            _current = new RtpExtensionElement(id, _data.Slice(valueOffset, length), headerOffset);
            _position = valueOffset + length;
            return true;
        }

        return false;
    }

    private bool MoveNextTwoByte()
    {
        while (_position < _data.Length)
        {
            var headerOffset = _position;
            var id = _data[_position];
            if (id == 0)
            {
                _position++;
                continue;
            }

            if (_position + 2 > _data.Length)
            {
                IsMalformed = true;
                _position = _data.Length;
                return false;
            }

            var length = _data[_position + 1];
            var valueOffset = _position + 2;
            if (valueOffset + length > _data.Length)
            {
                IsMalformed = true;
                _position = _data.Length;
                return false;
            }

            _current = new RtpExtensionElement(id, _data.Slice(valueOffset, length), headerOffset);
            _position = valueOffset + length;
            return true;
        }

        return false;
    }
}
