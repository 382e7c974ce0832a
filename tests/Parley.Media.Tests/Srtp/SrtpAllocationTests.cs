using Parley.Media.Srtp;
using static Parley.Media.Tests.Srtp.SrtpTestPackets;

namespace Parley.Media.Tests.Srtp;

/// <summary>Protect and unprotect run on every media packet: after a warm-up they must not allocate.</summary>
public class SrtpAllocationTests
{
    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Protect_and_unprotect_allocate_nothing(object profileCase)
    {
        var profile = (SrtpProfile)profileCase;
        using var sender = Context(profile);
        using var receiver = Context(profile);
        var plain = MakeRtp(1, 0x1234, 1200);
        var rtcp = MakeRtcp(0x1234);
        var buffer = new byte[1500];
        Assert.Equal(40, RoundTrips(sender, receiver, plain, rtcp, buffer, 0, 10));

        var succeeded = 0;
        var allocated = AllocationMeter.LeastPerRound(round => succeeded += RoundTrips(sender, receiver, plain, rtcp, buffer, 10 + (round * 400), 400));
        Assert.Equal(0, allocated);
        Assert.Equal(8000, succeeded);
    }

    /// <summary>Counts successes instead of asserting in the loop: xunit's assertions allocate.</summary>
    private static int RoundTrips(SrtpContext sender, SrtpContext receiver, byte[] plain, byte[] rtcp, byte[] buffer, int from, int count)
    {
        var succeeded = 0;
        for (var i = from; i < from + count; i++)
        {
            plain.CopyTo(buffer, 0);
            buffer[2] = (byte)(i >> 8);
            buffer[3] = (byte)i;
            succeeded += sender.ProtectRtp(buffer, plain.Length, out var length) == SrtpResult.Ok ? 1 : 0;
            succeeded += receiver.UnprotectRtp(buffer, length, out _) == SrtpResult.Ok ? 1 : 0;
            rtcp.CopyTo(buffer, 0);
            succeeded += sender.ProtectRtcp(buffer, rtcp.Length, out length) == SrtpResult.Ok ? 1 : 0;
            succeeded += receiver.UnprotectRtcp(buffer, length, out _) == SrtpResult.Ok ? 1 : 0;
        }

        return succeeded;
    }
}
