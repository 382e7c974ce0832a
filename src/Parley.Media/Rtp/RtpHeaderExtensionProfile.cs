namespace Parley.Media.Rtp;

/// <summary>Constants and checks for the RFC 8285 header extension profiles.</summary>
internal static class RtpHeaderExtensionProfile
{
    /// <summary>The "defined by profile" value that marks one-byte elements.</summary>
    public const ushort OneByte = 0xBEDE;

    /// <summary>The two-byte profile with zero application bits; the low four bits may carry app bits.</summary>
    public const ushort TwoByte = 0x1000;

    /// <summary>The element form that <paramref name="profile"/> announces.</summary>
    public static RtpHeaderExtensionForm FormOf(ushort profile) => profile switch
    {
        OneByte => RtpHeaderExtensionForm.OneByte,
        _ when (profile & 0xFFF0) == TwoByte => RtpHeaderExtensionForm.TwoByte,
        _ => RtpHeaderExtensionForm.None,
    };
}
