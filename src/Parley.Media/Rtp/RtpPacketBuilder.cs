using System.Buffers.Binary;

namespace Parley.Media.Rtp;

/// <summary>
/// Serializes an RTP packet into a caller's buffer in wire order: fixed header, CSRCs, header extension elements,
/// payload, padding. Each step returns false instead of writing past the buffer or producing an invalid packet;
/// after a failure the builder refuses every further step.
/// </summary>
internal ref struct RtpPacketBuilder
{
    private const int MaxCsrcs = 15;
    private const int MaxPadding = 255;

    private readonly Span<byte> _destination;
    private readonly RtpHeaderExtensionForm _extensionForm;
    private int _position;
    private int _extensionHeaderOffset;
    private bool _failed;

    /// <summary>Writes the fixed header; <paramref name="extensionForm"/> fixes the layout of any elements added later.</summary>
    public RtpPacketBuilder(
        Span<byte> destination,
        byte payloadType,
        ushort sequenceNumber,
        uint timestamp,
        uint ssrc,
        bool marker = false,
        RtpHeaderExtensionForm extensionForm = RtpHeaderExtensionForm.OneByte)
    {
        _destination = destination;
        _extensionForm = extensionForm;
        _extensionHeaderOffset = -1;
        if (destination.Length < RtpPacket.FixedHeaderLength || payloadType > 0x7F)
        {
            _failed = true;
            return;
        }

        destination[0] = RtpPacket.Version << 6;
        destination[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ssrc);
        _position = RtpPacket.FixedHeaderLength;
    }

    /// <summary>Appends a contributing source; only before any extension element.</summary>
    public bool TryAddCsrc(uint csrc)
    {
        var count = _failed ? 0 : _destination[0] & 0x0F;
        if (_failed || _extensionHeaderOffset >= 0 || count == MaxCsrcs || !Fits(4))
        {
            return Fail();
        }

        BinaryPrimitives.WriteUInt32BigEndian(_destination[_position..], csrc);
        _position += 4;
        _destination[0] = (byte)((_destination[0] & 0xF0) | (count + 1));
        return true;
    }

    /// <summary>Appends one header extension element in the form chosen at construction.</summary>
    public bool TryAddExtension(byte id, ReadOnlySpan<byte> value)
    {
        if (_failed || !IsRepresentable(id, value.Length))
        {
            return Fail();
        }

        if (_extensionHeaderOffset < 0)
        {
            if (!Fits(4))
            {
                return Fail();
            }

            _extensionHeaderOffset = _position;
            var profile = _extensionForm == RtpHeaderExtensionForm.OneByte
                ? RtpHeaderExtensionProfile.OneByte
                : RtpHeaderExtensionProfile.TwoByte;
            BinaryPrimitives.WriteUInt16BigEndian(_destination[_position..], profile);
            _position += 4;
            _destination[0] |= 0x10;
        }

        if (_extensionForm == RtpHeaderExtensionForm.OneByte)
        {
            if (!Fits(1 + value.Length))
            {
                return Fail();
            }

            _destination[_position++] = (byte)((id << 4) | (value.Length - 1));
        }
        else
        {
            if (!Fits(2 + value.Length))
            {
                return Fail();
            }

            _destination[_position++] = id;
            _destination[_position++] = (byte)value.Length;
        }

        value.CopyTo(_destination[_position..]);
        _position += value.Length;
        return true;
    }

    /// <summary>
    /// Closes the extension block (zero padding to a 32-bit boundary), copies the payload and appends
    /// <paramref name="paddingLength"/> bytes of RTP padding (0 for none; otherwise 1–255, the last byte the count).
    /// </summary>
    public bool TryFinish(ReadOnlySpan<byte> payload, int paddingLength, out int written)
    {
        written = 0;
        if (_failed || paddingLength is < 0 or > MaxPadding)
        {
            return Fail();
        }

        if (_extensionHeaderOffset >= 0)
        {
            var dataLength = _position - _extensionHeaderOffset - 4;
            var aligned = (dataLength + 3) & ~3;
            if (!Fits(aligned - dataLength))
            {
                return Fail();
            }

            _destination.Slice(_position, aligned - dataLength).Clear();
            _position += aligned - dataLength;
            BinaryPrimitives.WriteUInt16BigEndian(_destination[(_extensionHeaderOffset + 2)..], (ushort)(aligned / 4));
        }

        if (!Fits(payload.Length + paddingLength))
        {
            return Fail();
        }

        payload.CopyTo(_destination[_position..]);
        _position += payload.Length;
        if (paddingLength > 0)
        {
            _destination.Slice(_position, paddingLength - 1).Clear();
            _position += paddingLength;
            _destination[_position - 1] = (byte)paddingLength;
            _destination[0] |= 0x20;
        }

        written = _position;
        _failed = true; // finished: no further steps
        return true;
    }

    private readonly bool IsRepresentable(byte id, int length) => _extensionForm switch
    {
        RtpHeaderExtensionForm.OneByte => id is >= 1 and <= 14 && length is >= 1 and <= 16,
        RtpHeaderExtensionForm.TwoByte => id >= 1 && length <= 255,
        _ => false,
    };

    private readonly bool Fits(int count) => _position + count <= _destination.Length;

    private bool Fail()
    {
        _failed = true;
        return false;
    }
}
