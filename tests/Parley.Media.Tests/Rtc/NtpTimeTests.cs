using FsCheck;
using FsCheck.Xunit;
using Parley.Media.Rtc;

namespace Parley.Media.Tests.Rtc;

public class NtpTimeTests
{
    [Fact]
    public void The_unix_epoch_is_2208988800_seconds_after_the_ntp_epoch()
    {
        Assert.Equal(2_208_988_800UL << 32, NtpTime.FromUnixMilliseconds(0));
    }

    [Fact]
    public void Milliseconds_become_a_32_bit_binary_fraction()
    {
        var ntp = NtpTime.FromUnixMilliseconds(1_500);
        Assert.Equal(2_208_988_801UL, ntp >> 32);
        Assert.Equal(0x8000_0000UL, ntp & 0xFFFF_FFFF);
        Assert.Equal(0x4000_0000UL, NtpTime.FromUnixMilliseconds(250) & 0xFFFF_FFFF);
    }

    [Fact]
    public void Compact_form_is_the_middle_32_bits()
    {
        Assert.Equal(0x5678_9ABCu, NtpTime.ToCompact(0x1234_5678_9ABC_DEF0));
        Assert.Equal(65536u, NtpTime.MillisecondsToCompact(1000));
        Assert.Equal(32768u, NtpTime.MillisecondsToCompact(500));
        Assert.Equal(0u, NtpTime.MillisecondsToCompact(-5));
        Assert.Equal(250.0, NtpTime.CompactToMilliseconds(16384));
    }

    [Property(MaxTest = 500)]
    public void Unix_milliseconds_round_trip(int seconds, int milliseconds)
    {
        var unix = ((long)seconds * 1000) + Math.Abs(milliseconds % 1000);
        Assert.Equal(unix, NtpTime.ToUnixMilliseconds(NtpTime.FromUnixMilliseconds(unix)));
    }
}
