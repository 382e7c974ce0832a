using Parley.Media.Rtcp;

namespace Parley.Media.Tests.Fuzzing;

/// <summary>
/// What the fuzzer's findings (fuzz/regressions/) showed, pinned byte for byte. Both were invariants of the fuzz
/// targets that were too strict, not parser faults: the parsers' behaviour below is the intended one.
/// </summary>
public class FuzzFindingsTests
{
    [Fact]
    public void A_padded_receiver_report_may_carry_a_profile_extension_the_writer_refuses()
    {
        // fuzz/regressions/rtcp/crash-00.bin: RR, padding, SSRC, then 2 bytes of profile extension and 2 of padding.
        var packet = Convert.FromHexString("a0c90002" + "babababa" + "bacb0002");
        Assert.True(RtcpReceiverReport.TryParse(packet, out var report));
        Assert.Equal(0xBABABABAu, report.Ssrc);
        Assert.Equal(0, report.ReportCount);
        Assert.Equal(Convert.FromHexString("bacb"), report.ProfileExtension.ToArray());

        // The writer emits whole 32-bit words only (RFC 3550 §6.4.1), so it refuses this extension rather than pad it.
        Assert.False(RtcpReceiverReport.TryWrite(new byte[64], report.Ssrc, [], out _, report.ProfileExtension));
    }

    [Fact]
    public void The_transport_cc_reference_time_wraps_at_24_bits_and_reads_back_signed()
    {
        // fuzz/regressions/transport-cc/*: arrivals past 2^23 reference units (64 ms each, about 6.2 days of clock).
        const long unit = RtcpTransportFeedback.ReferenceTickMicroseconds;
        var buffer = new byte[64];
        Assert.True(RtcpTransportFeedback.TryWrite(buffer, 1, 2, 0, [new TransportCcArrival(7, (1L << 23) * unit)], out var written));
        Assert.Equal("800000", Convert.ToHexString(buffer, 16, 3));
        Assert.True(RtcpTransportFeedback.TryParse(buffer.AsSpan(0, written), out var feedback));
        Assert.Equal(-(1 << 23), feedback.ReferenceTime);

        // One whole wrap (2^24 units) earlier than written: the same instant in the format's terms.
        Assert.Equal(((1L << 23) * unit) - ((1L << 24) * unit), feedback.ReferenceTimeMicroseconds);
    }
}
