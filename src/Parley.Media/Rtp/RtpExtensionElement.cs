namespace Parley.Media.Rtp;

/// <summary>One RFC 8285 header extension element: its local ID and a writable view of its value.</summary>
internal readonly ref struct RtpExtensionElement
{
    public RtpExtensionElement(byte id, Span<byte> value, int headerOffset)
    {
        Id = id;
        Value = value;
        HeaderOffset = headerOffset;
    }

    /// <summary>The local identifier negotiated in SDP (extmap).</summary>
    public byte Id { get; }

    /// <summary>The element's value bytes, inside the packet buffer.</summary>
    public Span<byte> Value { get; }

    /// <summary>Offset of the element's ID byte within the extension data block.</summary>
    internal int HeaderOffset { get; }
}
