using System.Buffers.Binary;

namespace Parley.Media.Rtp;

/// <summary>
/// A mutable view of one RTP packet (RFC 3550 §5.1) inside a caller's buffer. Parsing validates every length
/// once; the getters then read and the setters rewrite header fields in place, so forwarding needs no copy.
/// </summary>
internal ref struct RtpPacket
{
    /// <summary>Size of the fixed header, before CSRCs.</summary>
    public const int FixedHeaderLength = 12;

    /// <summary>The only RTP version in use.</summary>
    public const int Version = 2;

    private const byte PaddingBit = 0x20;
    private const byte ExtensionBit = 0x10;
    private const byte MarkerBit = 0x80;
    private const int ExtensionHeaderLength = 4;

    private readonly Span<byte> _buffer;
    private readonly int _extensionDataOffset;
    private readonly int _extensionDataLength;

    private RtpPacket(Span<byte> buffer, int headerLength, int extensionDataOffset, int extensionDataLength, int paddingLength)
    {
        _buffer = buffer;
        HeaderLength = headerLength;
        _extensionDataOffset = extensionDataOffset;
        _extensionDataLength = extensionDataLength;
        PaddingLength = paddingLength;
    }

    /// <summary>The whole packet: header, payload and padding.</summary>
    public readonly Span<byte> Buffer => _buffer;

    /// <summary>Total length in bytes.</summary>
    public readonly int Length => _buffer.Length;

    /// <summary>Length of the fixed header, CSRCs and header extension.</summary>
    public int HeaderLength { get; }

    /// <summary>Number of padding bytes at the end, including the count byte; 0 without padding.</summary>
    public int PaddingLength { get; }

    public readonly bool HasPadding => (_buffer[0] & PaddingBit) != 0;

    public readonly bool HasExtension => (_buffer[0] & ExtensionBit) != 0;

    public readonly int CsrcCount => _buffer[0] & 0x0F;

    public bool Marker
    {
        readonly get => (_buffer[1] & MarkerBit) != 0;
        set => _buffer[1] = (byte)(value ? _buffer[1] | MarkerBit : _buffer[1] & ~MarkerBit);
    }

    /// <summary>The 7-bit payload type; setting keeps the marker bit.</summary>
    public byte PayloadType
    {
        readonly get => (byte)(_buffer[1] & 0x7F);
        set
        {
            if (value > 0x7F)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "An RTP payload type has 7 bits.");
            }

            _buffer[1] = (byte)((_buffer[1] & MarkerBit) | value);
        }
    }

    public ushort SequenceNumber
    {
        readonly get => BinaryPrimitives.ReadUInt16BigEndian(_buffer[2..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], value);
    }

    public uint Timestamp
    {
        readonly get => BinaryPrimitives.ReadUInt32BigEndian(_buffer[4..]);
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer[4..], value);
    }

    public uint Ssrc
    {
        readonly get => BinaryPrimitives.ReadUInt32BigEndian(_buffer[8..]);
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer[8..], value);
    }

    /// <summary>The "defined by profile" field of the header extension, or 0 without one.</summary>
    public readonly ushort ExtensionProfile =>
        HasExtension ? BinaryPrimitives.ReadUInt16BigEndian(_buffer[(_extensionDataOffset - ExtensionHeaderLength)..]) : (ushort)0;

    /// <summary>The element layout of the header extension.</summary>
    public readonly RtpHeaderExtensionForm ExtensionForm =>
        HasExtension ? RtpHeaderExtensionProfile.FormOf(ExtensionProfile) : RtpHeaderExtensionForm.None;

    /// <summary>The header extension's data words, after its 4-byte header; empty without one.</summary>
    public readonly Span<byte> ExtensionData => _buffer.Slice(_extensionDataOffset, _extensionDataLength);

    /// <summary>The payload, without header and padding.</summary>
    public readonly Span<byte> Payload => _buffer[HeaderLength..(_buffer.Length - PaddingLength)];

    /// <summary>The RFC 8285 elements of the header extension (none for other profiles).</summary>
    public readonly RtpExtensionEnumerator Extensions => new(ExtensionData, ExtensionForm);

    /// <summary>Returns the contributing source at <paramref name="index"/> (0 ≤ index &lt; <see cref="CsrcCount"/>).</summary>
    public readonly uint GetCsrc(int index)
    {
        if ((uint)index >= (uint)CsrcCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        return BinaryPrimitives.ReadUInt32BigEndian(_buffer[(FixedHeaderLength + (index * 4))..]);
    }

    /// <summary>
    /// Validates <paramref name="buffer"/> as one RTP packet and returns a view over it. Fails on a wrong version,
    /// CSRCs or extension running past the end, a padding count of zero or larger than the payload, or
    /// RFC 8285 elements that overrun their block.
    /// </summary>
    public static bool TryParse(Span<byte> buffer, out RtpPacket packet)
    {
        packet = default;
        if (buffer.Length < FixedHeaderLength || buffer[0] >> 6 != Version)
        {
            return false;
        }

        var headerLength = FixedHeaderLength + ((buffer[0] & 0x0F) * 4);
        if (headerLength > buffer.Length)
        {
            return false;
        }

        var extensionDataOffset = headerLength;
        var extensionDataLength = 0;
        if ((buffer[0] & ExtensionBit) != 0)
        {
            if (headerLength + ExtensionHeaderLength > buffer.Length)
            {
                return false;
            }

            extensionDataOffset = headerLength + ExtensionHeaderLength;
            extensionDataLength = BinaryPrimitives.ReadUInt16BigEndian(buffer[(headerLength + 2)..]) * 4;
            headerLength = extensionDataOffset + extensionDataLength;
            if (headerLength > buffer.Length)
            {
                return false;
            }
        }

        var paddingLength = 0;
        if ((buffer[0] & PaddingBit) != 0)
        {
            paddingLength = buffer[^1];
            if (paddingLength == 0 || paddingLength > buffer.Length - headerLength)
            {
                return false;
            }
        }

        packet = new RtpPacket(buffer, headerLength, extensionDataOffset, extensionDataLength, paddingLength);
        if (packet.HasExtension && !packet.AreExtensionElementsWellFormed())
        {
            packet = default;
            return false;
        }

        return true;
    }

    /// <summary>Finds the element with local ID <paramref name="id"/> and returns a writable view of its value.</summary>
    public readonly bool TryGetExtension(byte id, out Span<byte> value)
    {
        foreach (var element in Extensions)
        {
            if (element.Id == id)
            {
                value = element.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>
    /// Overwrites the value of element <paramref name="id"/> in place. A value of the same length is copied; a
    /// shorter one rewrites the element's length and turns the freed bytes into padding. Fails when the element is
    /// missing, the value is longer, or the form cannot express the new length (one-byte values are 1–16 bytes).
    /// </summary>
    public readonly bool TrySetExtension(byte id, ReadOnlySpan<byte> value)
    {
        var form = ExtensionForm;
        foreach (var element in Extensions)
        {
            if (element.Id != id)
            {
                continue;
            }

            if (value.Length > element.Value.Length)
            {
                return false;
            }

            if (value.Length == element.Value.Length)
            {
                value.CopyTo(element.Value);
                return true;
            }

            var data = ExtensionData;
            if (form == RtpHeaderExtensionForm.OneByte)
            {
                if (value.Length == 0)
                {
                    return false;
                }

                data[element.HeaderOffset] = (byte)((id << 4) | (value.Length - 1));
            }
            else
            {
                data[element.HeaderOffset + 1] = (byte)value.Length;
            }

            value.CopyTo(element.Value);
            element.Value[value.Length..].Clear();
            return true;
        }

        return false;
    }

    private readonly bool AreExtensionElementsWellFormed()
    {
        var elements = Extensions;
        while (elements.MoveNext())
        {
        }

        return !elements.IsMalformed;
    }
}
