namespace Parley.Media.Rtp;

/// <summary>The element layouts of an RTP header extension block (RFC 8285 §4).</summary>
internal enum RtpHeaderExtensionForm
{
    /// <summary>No header extension, or a profile this code does not interpret.</summary>
    None,

    /// <summary>One-byte headers, profile 0xBEDE: IDs 1–14, values of 1–16 bytes.</summary>
    OneByte,

    /// <summary>Two-byte headers, profile 0x100X: IDs 1–255, values of 0–255 bytes.</summary>
    TwoByte,
}
