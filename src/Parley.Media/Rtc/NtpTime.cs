namespace Parley.Media.Rtc;

/// <summary>NTP timestamps as RTCP carries them (RFC 3550 §4): 32.32 fixed-point seconds since 1 January 1900.</summary>
internal static class NtpTime
{
    /// <summary>Seconds from the NTP epoch (1900) to the Unix epoch (1970).</summary>
    public const long UnixEpochOffsetSeconds = 2_208_988_800;

    /// <summary>The 64-bit NTP timestamp of a Unix time in milliseconds.</summary>
    public static ulong FromUnixMilliseconds(long unixMilliseconds)
    {
        var seconds = (ulong)(Math.DivRem(unixMilliseconds, 1000, out var milliseconds) + UnixEpochOffsetSeconds);
        if (milliseconds < 0)
        {
            seconds--;
            milliseconds += 1000;
        }

        return (seconds << 32) | (((ulong)milliseconds << 32) / 1000);
    }

    /// <summary>The Unix time in milliseconds of an NTP timestamp, the fraction rounded to the nearest millisecond.</summary>
    public static long ToUnixMilliseconds(ulong ntpTimestamp)
    {
        var seconds = (long)(ntpTimestamp >> 32) - UnixEpochOffsetSeconds;
        var milliseconds = (long)((((ntpTimestamp & 0xFFFF_FFFF) * 1000) + 0x8000_0000) >> 32);
        return (seconds * 1000) + milliseconds;
    }

    /// <summary>The middle 32 bits (16.16 seconds) that LSR and compact timestamps use.</summary>
    public static uint ToCompact(ulong ntpTimestamp) => (uint)(ntpTimestamp >> 16);

    /// <summary>A duration in milliseconds as 1/65536 s units (DLSR), clamped to the 32-bit range.</summary>
    public static uint MillisecondsToCompact(long milliseconds) =>
        milliseconds <= 0 ? 0 : (uint)Math.Min(uint.MaxValue, (milliseconds * 65536) / 1000);

    /// <summary>A compact (1/65536 s) duration in milliseconds.</summary>
    public static double CompactToMilliseconds(uint compact) => compact * 1000.0 / 65536.0;
}
