using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;

namespace Parley.Media.Stun;

/// <summary>
/// A parsed view over one STUN message (RFC 8489 §5, §14). Parsing walks the attributes once and keeps
/// offsets, so reading an attribute or verifying integrity later needs neither a copy nor an allocation.
/// Per RFC 8489 §14.5 attributes after MESSAGE-INTEGRITY other than FINGERPRINT are ignored, and
/// FINGERPRINT must be the last attribute. Only the first occurrence of an attribute counts.
/// </summary>
internal readonly ref struct StunMessage
{
    private const int MaxUnknownTracked = 4;
    private const int MaxUsernameLength = 513;

    private readonly int _usernameOffset;
    private readonly int _usernameLength;
    private readonly int _integrityOffset;
    private readonly int _fingerprintOffset;
    private readonly int _xorMappedOffset;
    private readonly int _xorMappedLength;
    private readonly int _mappedOffset;
    private readonly int _mappedLength;
    private readonly int _errorCodeOffset;
    private readonly int _errorCodeLength;
    private readonly ulong _unknownRequired;

    private StunMessage(ReadOnlySpan<byte> buffer, Offsets offsets)
    {
        Buffer = buffer;
        Type = BinaryPrimitives.ReadUInt16BigEndian(buffer);
        _usernameOffset = offsets.UsernameOffset;
        _usernameLength = offsets.UsernameLength;
        _integrityOffset = offsets.IntegrityOffset;
        _fingerprintOffset = offsets.FingerprintOffset;
        _xorMappedOffset = offsets.XorMappedOffset;
        _xorMappedLength = offsets.XorMappedLength;
        _mappedOffset = offsets.MappedOffset;
        _mappedLength = offsets.MappedLength;
        _errorCodeOffset = offsets.ErrorCodeOffset;
        _errorCodeLength = offsets.ErrorCodeLength;
        _unknownRequired = offsets.UnknownRequired;
        UnknownComprehensionRequiredCount = offsets.UnknownRequiredCount;
        Priority = offsets.Priority;
        HasPriority = offsets.HasPriority;
        UseCandidate = offsets.UseCandidate;
        IceRole = offsets.IceRole;
        TieBreaker = offsets.TieBreaker;
    }

    /// <summary>The whole message, header included.</summary>
    public ReadOnlySpan<byte> Buffer { get; }

    public ushort Type { get; }

    public StunClass Class => StunMessageType.GetClass(Type);

    public StunMethod Method => StunMessageType.GetMethod(Type);

    public ReadOnlySpan<byte> TransactionId => Buffer.Slice(8, StunConstants.TransactionIdLength);

    public bool HasUsername => _usernameOffset >= 0;

    public ReadOnlySpan<byte> Username => _usernameOffset >= 0 ? Buffer.Slice(_usernameOffset, _usernameLength) : default;

    public bool HasMessageIntegrity => _integrityOffset >= 0;

    public bool HasFingerprint => _fingerprintOffset >= 0;

    public bool HasPriority { get; }

    public uint Priority { get; }

    public bool UseCandidate { get; }

    public StunIceRole IceRole { get; }

    public ulong TieBreaker { get; }

    /// <summary>How many comprehension-required attribute types this parser did not know (RFC 8489 §6.3.1.1); distinct among the first four.</summary>
    public int UnknownComprehensionRequiredCount { get; }

    /// <summary>The <paramref name="index"/>-th unknown comprehension-required type (only the first four are kept).</summary>
    public ushort GetUnknownComprehensionRequired(int index) =>
        (uint)index < (uint)Math.Min(UnknownComprehensionRequiredCount, MaxUnknownTracked) ? (ushort)(_unknownRequired >> (16 * index)) : (ushort)0;

    /// <summary>True if <paramref name="data"/> starts like a STUN message: two zero bits, the magic cookie, a 4-aligned length.</summary>
    public static bool LooksLikeStun(ReadOnlySpan<byte> data) =>
        data.Length >= StunConstants.HeaderLength
        && (data[0] & 0xC0) == 0
        && BinaryPrimitives.ReadUInt32BigEndian(data[4..]) == StunConstants.MagicCookie
        && (BinaryPrimitives.ReadUInt16BigEndian(data[2..]) & 3) == 0;

    /// <summary>Parses exactly one STUN message filling <paramref name="data"/>; false if anything is malformed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out StunMessage message)
    {
        message = default;
        if (!LooksLikeStun(data) || StunConstants.HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(data[2..]) != data.Length)
        {
            return false;
        }

        var offsets = Offsets.Empty;
        var position = StunConstants.HeaderLength;
        while (position < data.Length)
        {
            if (data.Length - position < StunConstants.AttributeHeaderLength || offsets.FingerprintOffset >= 0)
            {
                return false;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(data[position..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
            var valueOffset = position + StunConstants.AttributeHeaderLength;
            var padded = (length + 3) & ~3;
            if (padded > data.Length - valueOffset)
            {
                return false;
            }

            var value = data.Slice(valueOffset, length);
            var afterIntegrity = offsets.IntegrityOffset >= 0;
            if (type == StunAttributeType.Fingerprint)
            {
                if (length != 4)
                {
                    return false;
                }

                offsets.FingerprintOffset = position;
            }
            else if (!afterIntegrity && !offsets.Read(type, value, valueOffset, position))
            {
                return false;
            }

            position = valueOffset + padded;
        }

        message = new StunMessage(data, offsets);
        return true;
    }

    /// <summary>Checks MESSAGE-INTEGRITY against <paramref name="key"/> (the ICE password for short-term credentials) in constant time.</summary>
    public bool VerifyMessageIntegrity(ReadOnlySpan<byte> key)
    {
        if (_integrityOffset < 0)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[StunConstants.MessageIntegrityLength];
        StunIntegrity.ComputeMessageIntegrity(Buffer[.._integrityOffset], key, expected);
        var actual = Buffer.Slice(_integrityOffset + StunConstants.AttributeHeaderLength, StunConstants.MessageIntegrityLength);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>Checks FINGERPRINT; false when it is absent or wrong.</summary>
    public bool VerifyFingerprint()
    {
        if (_fingerprintOffset < 0)
        {
            return false;
        }

        var actual = BinaryPrimitives.ReadUInt32BigEndian(Buffer[(_fingerprintOffset + StunConstants.AttributeHeaderLength)..]);
        return StunIntegrity.ComputeFingerprint(Buffer[.._fingerprintOffset]) == actual;
    }

    public bool TryGetXorMappedAddress(out IPEndPoint endPoint)
    {
        endPoint = null!;
        return _xorMappedOffset >= 0
            && StunAddressCodec.TryRead(Buffer.Slice(_xorMappedOffset, _xorMappedLength), xor: true, TransactionId, out endPoint);
    }

    public bool TryGetMappedAddress(out IPEndPoint endPoint)
    {
        endPoint = null!;
        return _mappedOffset >= 0
            && StunAddressCodec.TryRead(Buffer.Slice(_mappedOffset, _mappedLength), xor: false, TransactionId, out endPoint);
    }

    /// <summary>Reads ERROR-CODE (RFC 8489 §14.8): class in hundreds, number 0-99, and the UTF-8 reason phrase.</summary>
    public bool TryGetErrorCode(out int code, out ReadOnlySpan<byte> reason)
    {
        code = 0;
        reason = default;
        if (_errorCodeOffset < 0)
        {
            return false;
        }

        var value = Buffer.Slice(_errorCodeOffset, _errorCodeLength);
        code = ((value[2] & 0x07) * 100) + value[3];
        reason = value[4..];
        return true;
    }

    /// <summary>Mutable parse state kept apart so the view itself stays readonly.</summary>
    private struct Offsets
    {
        public int UsernameOffset;
        public int UsernameLength;
        public int IntegrityOffset;
        public int FingerprintOffset;
        public int XorMappedOffset;
        public int XorMappedLength;
        public int MappedOffset;
        public int MappedLength;
        public int ErrorCodeOffset;
        public int ErrorCodeLength;
        public ulong UnknownRequired;
        public int UnknownRequiredCount;
        public uint Priority;
        public bool HasPriority;
        public bool UseCandidate;
        public StunIceRole IceRole;
        public ulong TieBreaker;

        public static Offsets Empty => new()
        {
            UsernameOffset = -1,
            IntegrityOffset = -1,
            FingerprintOffset = -1,
            XorMappedOffset = -1,
            MappedOffset = -1,
            ErrorCodeOffset = -1,
        };

        /// <summary>Records one attribute before MESSAGE-INTEGRITY; false if a known attribute has an impossible length.</summary>
        public bool Read(ushort type, ReadOnlySpan<byte> value, int valueOffset, int attributeOffset)
        {
            switch (type)
            {
                case StunAttributeType.Username:
                    if (value.Length > MaxUsernameLength)
                    {
                        return false;
                    }

                    if (UsernameOffset < 0)
                    {
                        (UsernameOffset, UsernameLength) = (valueOffset, value.Length);
                    }

                    return true;
                case StunAttributeType.MessageIntegrity:
                    if (value.Length != StunConstants.MessageIntegrityLength)
                    {
                        return false;
                    }

                    IntegrityOffset = attributeOffset;
                    return true;
                case StunAttributeType.XorMappedAddress:
                    if (XorMappedOffset < 0)
                    {
                        (XorMappedOffset, XorMappedLength) = (valueOffset, value.Length);
                    }

                    return true;
                case StunAttributeType.MappedAddress:
                    if (MappedOffset < 0)
                    {
                        (MappedOffset, MappedLength) = (valueOffset, value.Length);
                    }

                    return true;
                case StunAttributeType.ErrorCode:
                    if (value.Length < 4)
                    {
                        return false;
                    }

                    if (ErrorCodeOffset < 0)
                    {
                        (ErrorCodeOffset, ErrorCodeLength) = (valueOffset, value.Length);
                    }

                    return true;
                case StunAttributeType.Priority:
                    if (value.Length != 4)
                    {
                        return false;
                    }

                    if (!HasPriority)
                    {
                        (Priority, HasPriority) = (BinaryPrimitives.ReadUInt32BigEndian(value), true);
                    }

                    return true;
                case StunAttributeType.UseCandidate:
                    UseCandidate = true;
                    return value.Length == 0;
                case StunAttributeType.IceControlling:
                case StunAttributeType.IceControlled:
                    if (value.Length != 8)
                    {
                        return false;
                    }

                    if (IceRole == StunIceRole.None)
                    {
                        IceRole = type == StunAttributeType.IceControlling ? StunIceRole.Controlling : StunIceRole.Controlled;
                        TieBreaker = BinaryPrimitives.ReadUInt64BigEndian(value);
                    }

                    return true;
                case StunAttributeType.MessageIntegritySha256:
                case StunAttributeType.Realm:
                case StunAttributeType.Nonce:
                case StunAttributeType.PasswordAlgorithm:
                case StunAttributeType.Userhash:
                case StunAttributeType.UnknownAttributes:
                    // Known to RFC 8489 but not used with ICE's short-term credentials.
                    return true;
                default:
                    if (StunAttributeType.IsComprehensionRequired(type))
                    {
                        NoteUnknownRequired(type);
                    }

                    return true;
            }
        }

        private void NoteUnknownRequired(ushort type)
        {
            for (var i = 0; i < Math.Min(UnknownRequiredCount, MaxUnknownTracked); i++)
            {
                if ((ushort)(UnknownRequired >> (16 * i)) == type)
                {
                    return;
                }
            }

            if (UnknownRequiredCount < MaxUnknownTracked)
            {
                UnknownRequired |= (ulong)type << (16 * UnknownRequiredCount);
            }

            UnknownRequiredCount++;
        }
    }
}
