namespace Parley.Media.Rtcp;

/// <summary>64-bit NTP timestamps (RFC 5905 §6): seconds since 1900 in the high word, the fraction in the low word.</summary>
internal static class NtpTime
{
    private static readonly long s_epochTicks = new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    public static ulong Now() => FromDateTime(DateTime.UtcNow);

    public static ulong FromDateTime(DateTime utc)
    {
        var ticks = utc.Ticks - s_epochTicks;
        var seconds = (ulong)(ticks / TimeSpan.TicksPerSecond);
        var fraction = (ulong)(ticks % TimeSpan.TicksPerSecond) * (1UL << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }
}
