using Parley.Media.Rtc;
using Parley.Media.Rtcp;

namespace Parley.Media.Tests.Rtc;

public class SendStreamStatisticsTests
{
    [Fact]
    public void The_sender_report_maps_wall_clock_now_to_the_rtp_timestamp_of_now()
    {
        var stats = new SendStreamStatistics(0x11223344, 90000);
        stats.OnPacketSent(1000, 100, 10_000);
        stats.OnPacketSent(4000, 200, 10_033);
        stats.OnPacketSent(3990, 50, 10_040, isRetransmission: true);

        var ntp = NtpTime.FromUnixMilliseconds(1_700_000_000_500);
        var destination = new byte[64];
        Assert.True(stats.TryWriteSenderReport(destination, 10_133, ntp, [], out var written));

        // 100 ms after the latest packet: 4000 + 100 * 90 = 13000 (0x32C8).
        Assert.Equal(
            Convert.FromHexString("80C80006" + "11223344" + ntp.ToString("X16") + "000032C8" + "00000002" + "0000012C"),
            destination[..written]);
        Assert.Equal(1, stats.PacketsRetransmitted);
        Assert.Equal(50, stats.BytesRetransmitted);
    }

    [Fact]
    public void No_sender_report_before_the_first_packet()
    {
        var stats = new SendStreamStatistics(1, 48000);
        Assert.False(stats.CanSendSenderReport);
        Assert.False(stats.TryWriteSenderReport(new byte[64], 0, 1, [], out _));
    }

    [Fact]
    public void The_rtp_timestamp_extrapolation_wraps_and_ignores_older_timestamps()
    {
        var stats = new SendStreamStatistics(1, 48000);
        stats.OnPacketSent(0xFFFF_FF00, 10, 0);
        stats.OnPacketSent(0xFFFF_0000, 10, 5); // a late packet of an earlier frame
        Assert.Equal(704u, stats.GetRtpTimestampAt(20)); // 0xFFFFFF00 + 960, wrapped
        Assert.Equal(47_744u, stats.GetRtpTimestampAt(1000));
        stats.OnPacketSent(0x10, 10, 30); // newer across the wrap
        Assert.Equal(0x10u + 480u, stats.GetRtpTimestampAt(40));
    }

    [Fact]
    public void Round_trip_time_is_arrival_minus_lsr_minus_dlsr()
    {
        var stats = new SendStreamStatistics(5, 90000);
        stats.OnPacketSent(0, 100, 0);
        var ntp = NtpTime.FromUnixMilliseconds(1_700_000_000_000);
        Assert.True(stats.TryWriteSenderReport(new byte[64], 1000, ntp, [], out _));

        // The receiver held the SR 50 ms; it arrives back 130 ms after we sent it: 80 ms on the wire.
        var block = new RtcpReportBlock(5, 64, 12, 1000, 300, NtpTime.ToCompact(ntp), NtpTime.MillisecondsToCompact(50));
        stats.OnReceiverReport(block, 1130);

        Assert.InRange(stats.RoundTripTimeMilliseconds, 79.9, 80.1);
        Assert.Equal(64, stats.RemoteFractionLost);
        Assert.Equal(12, stats.RemotePacketsLost);
        Assert.Equal(1000u, stats.RemoteExtendedHighestSequence);
        Assert.Equal(300u, stats.RemoteJitter);
        Assert.Equal(1, stats.ReceiverReportCount);
    }

    [Fact]
    public void Blocks_without_lsr_or_with_an_impossible_delay_leave_the_rtt_alone()
    {
        var stats = new SendStreamStatistics(5, 90000);
        stats.OnPacketSent(0, 100, 0);
        var ntp = NtpTime.FromUnixMilliseconds(1_700_000_000_000);
        stats.TryWriteSenderReport(new byte[64], 1000, ntp, [], out _);
        stats.OnReceiverReport(new RtcpReportBlock(5, 0, 0, 0, 0, NtpTime.ToCompact(ntp), NtpTime.MillisecondsToCompact(20)), 1050);
        Assert.InRange(stats.RoundTripTimeMilliseconds, 29.9, 30.1);

        stats.OnReceiverReport(new RtcpReportBlock(5, 0, 0, 0, 0, 0, 0), 1060);
        stats.OnReceiverReport(new RtcpReportBlock(5, 0, 0, 0, 0, NtpTime.ToCompact(ntp), NtpTime.MillisecondsToCompact(500)), 1070);

        Assert.InRange(stats.RoundTripTimeMilliseconds, 29.9, 30.1);
        Assert.Equal(3, stats.ReceiverReportCount);
    }
}
