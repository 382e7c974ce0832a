using System.Buffers.Binary;
using System.Text;

namespace Parley.Media.Stun;

/// <summary>
/// Builds one STUN message into a caller-provided span. The header's length is kept current after each
/// attribute, so MESSAGE-INTEGRITY and FINGERPRINT are computed over exactly what RFC 8489 §14.5/§14.7 say.
/// Every add returns false (and the writer stays failed) when the span is too small.
/// </summary>
internal ref struct StunWriter
{
    private readonly Span<byte> _buffer;
    private int _length;
    private bool _failed;

    public StunWriter(Span<byte> buffer, StunClass stunClass, StunMethod method, ReadOnlySpan<byte> transactionId)
    {
        _buffer = buffer;
        if (buffer.Length < StunConstants.HeaderLength || transactionId.Length != StunConstants.TransactionIdLength)
        {
            _failed = true;
            return;
        }

        BinaryPrimitives.WriteUInt16BigEndian(buffer, StunMessageType.Encode(stunClass, method));
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], StunConstants.MagicCookie);
        transactionId.CopyTo(buffer[8..]);
        _length = StunConstants.HeaderLength;
    }

    /// <summary>Bytes written so far; the message is complete after any successful add.</summary>
    public readonly int Length => _length;

    public readonly bool Failed => _failed;

    /// <summary>The byte used to pad attribute values to 4 bytes; receivers must ignore it (RFC 8489 §14), zero by default.</summary>
    public byte PaddingByte { get; set; }

    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    public bool TryAddXorMappedAddress(ReadOnlySpan<byte> address, ushort port) => TryAddAddress(StunAttributeType.XorMappedAddress, address, port, xor: true);

    public bool TryAddMappedAddress(ReadOnlySpan<byte> address, ushort port) => TryAddAddress(StunAttributeType.MappedAddress, address, port, xor: false);

    public bool TryAddUsername(ReadOnlySpan<byte> username) => TryAddBytes(StunAttributeType.Username, username);

    public bool TryAddSoftware(ReadOnlySpan<byte> software) => TryAddBytes(StunAttributeType.Software, software);

    public bool TryAddPriority(uint priority)
    {
        if (!TryBegin(StunAttributeType.Priority, 4, out var value))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(value, priority);
        return true;
    }

    public bool TryAddUseCandidate() => TryBegin(StunAttributeType.UseCandidate, 0, out _);

    public bool TryAddIceRole(StunIceRole role, ulong tieBreaker)
    {
        var type = role == StunIceRole.Controlling ? StunAttributeType.IceControlling : StunAttributeType.IceControlled;
        if (role == StunIceRole.None || !TryBegin(type, 8, out var value))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt64BigEndian(value, tieBreaker);
        return true;
    }

    /// <summary>ERROR-CODE with the standard reason phrase for <paramref name="code"/> (300-699).</summary>
    public bool TryAddErrorCode(int code)
    {
        var reason = StunErrorCode.ReasonPhrase(code);
        if (code is < 300 or > 699 || !TryBegin(StunAttributeType.ErrorCode, 4 + reason.Length, out var value))
        {
            _failed |= code is < 300 or > 699;
            return false;
        }

        value[0] = 0;
        value[1] = 0;
        value[2] = (byte)(code / 100);
        value[3] = (byte)(code % 100);
        Encoding.ASCII.GetBytes(reason, value[4..]);
        return true;
    }

    /// <summary>UNKNOWN-ATTRIBUTES (RFC 8489 §14.9) listing the types a 420 response rejects.</summary>
    public bool TryAddUnknownAttributes(ReadOnlySpan<ushort> types)
    {
        if (!TryBegin(StunAttributeType.UnknownAttributes, 2 * types.Length, out var value))
        {
            return false;
        }

        for (var i = 0; i < types.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(value[(2 * i)..], types[i]);
        }

        return true;
    }

    /// <summary>MESSAGE-INTEGRITY keyed with <paramref name="key"/>; only FINGERPRINT may follow it.</summary>
    public bool TryAddMessageIntegrity(ReadOnlySpan<byte> key)
    {
        var start = _length;
        if (!TryBegin(StunAttributeType.MessageIntegrity, StunConstants.MessageIntegrityLength, out var value))
        {
            return false;
        }

        // HMAC input is the message before this attribute with a length that counts this attribute.
        StunIntegrity.ComputeMessageIntegrityInPlace(_buffer[..start], key, value);
        StunIntegrity.PatchLength(_buffer, _length);
        return true;
    }

    public bool TryAddFingerprint()
    {
        var start = _length;
        if (!TryBegin(StunAttributeType.Fingerprint, 4, out var value))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(value, StunIntegrity.ComputeFingerprint(_buffer[..start]));
        return true;
    }

    private bool TryAddAddress(ushort type, ReadOnlySpan<byte> address, ushort port, bool xor)
    {
        if (address.Length is not (4 or 16))
        {
            _failed = true;
            return false;
        }

        if (!TryBegin(type, 4 + address.Length, out var value))
        {
            return false;
        }

        StunAddressCodec.Write(value, address, port, xor, _buffer.Slice(8, StunConstants.TransactionIdLength));
        return true;
    }

    private bool TryAddBytes(ushort type, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > ushort.MaxValue || !TryBegin(type, bytes.Length, out var value))
        {
            return false;
        }

        bytes.CopyTo(value);
        return true;
    }

    /// <summary>Writes the attribute header and zeroed padding, updates the message length, and hands out the value span.</summary>
    private bool TryBegin(ushort type, int valueLength, out Span<byte> value)
    {
        value = default;
        var padded = (valueLength + 3) & ~3;
        if (_failed || valueLength > ushort.MaxValue || _buffer.Length - _length < StunConstants.AttributeHeaderLength + padded
            || _length + StunConstants.AttributeHeaderLength + padded - StunConstants.HeaderLength > ushort.MaxValue)
        {
            _failed = true;
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer[_length..], type);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[(_length + 2)..], (ushort)valueLength);
        var valueOffset = _length + StunConstants.AttributeHeaderLength;
        _buffer.Slice(valueOffset + valueLength, padded - valueLength).Fill(PaddingByte);
        value = _buffer.Slice(valueOffset, valueLength);
        _length = valueOffset + padded;
        StunIntegrity.PatchLength(_buffer, _length);
        return true;
    }
}
