using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Parley.Media.Srtp;
using static Parley.Media.Tests.Srtp.SrtpTestPackets;

namespace Parley.Media.Tests.Srtp;

public class SrtpPropertyTests
{
    private static SrtpProfile ProfileOf(byte seed) => AllProfiles[seed % AllProfiles.Length];

    [Property(MaxTest = 300)]
    public void Protect_then_unprotect_gives_back_every_rtp_packet(byte profileSeed, ushort sequenceNumber, uint ssrc, byte[] payload, bool withExtension)
    {
        var profile = ProfileOf(profileSeed);
        using var sender = Context(profile);
        using var receiver = Context(profile);
        var plain = MakeRtp(sequenceNumber, ssrc, 0, withExtensionAndCsrc: withExtension).Concat(payload ?? []).ToArray();

        var wire = ProtectRtp(sender, plain);
        Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtp(wire, wire.Length, out var plainLength));
        Assert.Equal(plain, wire[..plainLength]);
    }

    [Property(MaxTest = 300)]
    public void Protect_then_unprotect_gives_back_every_rtcp_packet(byte profileSeed, uint ssrc, byte[] body)
    {
        var profile = ProfileOf(profileSeed);
        using var sender = Context(profile);
        using var receiver = Context(profile);
        var plain = MakeRtcp(ssrc)[..8].Concat(body ?? []).ToArray();

        var wire = ProtectRtcp(sender, plain);
        Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtcp(wire, wire.Length, out var plainLength));
        Assert.Equal(plain, wire[..plainLength]);
    }

    [Property(MaxTest = 500)]
    public void Random_bytes_never_throw_and_never_authenticate(byte profileSeed, byte[] bytes, int lengthSeed)
    {
        var profile = ProfileOf(profileSeed);
        using var context = Context(profile);
        bytes ??= [];
        var length = bytes.Length == 0 ? 0 : Math.Abs(lengthSeed % (bytes.Length + 1));
        var results = new[]
        {
            context.UnprotectRtp(bytes.ToArray(), length, out _),
            context.UnprotectRtcp(bytes.ToArray(), length, out _),
        };
        Assert.DoesNotContain(SrtpResult.Ok, results);
        context.ProtectRtp(bytes.ToArray(), length, out _);
        context.ProtectRtcp(bytes.ToArray(), length, out _);
    }

    [Property(MaxTest = 300)]
    public void Truncated_protected_packets_fail_cleanly(byte profileSeed, ushort sequenceNumber, byte[] payload, PositiveInt cut)
    {
        var profile = ProfileOf(profileSeed);
        using var sender = Context(profile);
        using var receiver = Context(profile);
        var wire = ProtectRtp(sender, MakeRtp(sequenceNumber, 3, 0).Concat(payload ?? []).ToArray());
        var rtcp = ProtectRtcp(sender, MakeRtcp(3));
        var rtpLength = Math.Max(0, wire.Length - 1 - cut.Get % wire.Length);
        var rtcpLength = Math.Max(0, rtcp.Length - 1 - cut.Get % rtcp.Length);

        Assert.NotEqual(SrtpResult.Ok, receiver.UnprotectRtp(wire, rtpLength, out _));
        Assert.NotEqual(SrtpResult.Ok, receiver.UnprotectRtcp(rtcp, rtcpLength, out _));
    }
}
