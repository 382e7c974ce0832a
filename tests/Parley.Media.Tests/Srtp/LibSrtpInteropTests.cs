using Parley.Media.Srtp;
using static Parley.Media.Tests.Srtp.SrtpTestPackets;

namespace Parley.Media.Tests.Srtp;

/// <summary>Our SRTP against libsrtp 2.5 (what Debian's and many SFUs' stacks use): both directions, RTP and RTCP, every profile.</summary>
public class LibSrtpInteropTests
{
    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Libsrtp_unprotects_what_we_protect(object profileCase)
    {
        var profile = (SrtpProfile)profileCase;
        var (key, salt) = MasterKeys(profile, seed: 9);
        using var ours = new SrtpContext(profile, key, salt);
        using var theirs = LibSrtp.Create(profile, key, salt, outbound: false);

        // Across a sequence wrap, with a header extension on some packets, two SSRCs.
        for (var i = 0; i < 40; i++)
        {
            var plain = MakeRtp((ushort)(65520 + i), 0x1000u + (uint)(i % 2), 100 + 31 * i, withExtensionAndCsrc: i % 3 == 0);
            var buffer = new byte[plain.Length + 64];
            plain.CopyTo(buffer, 0);
            Assert.Equal(SrtpResult.Ok, ours.ProtectRtp(buffer, plain.Length, out var protectedLength));
            Assert.Equal(plain.Length, theirs.Unprotect(buffer, protectedLength));
            Assert.Equal(plain, buffer[..plain.Length]);
        }

        for (var i = 0; i < 5; i++)
        {
            var plain = MakeRtcp(0x1000);
            var buffer = new byte[plain.Length + 64];
            plain.CopyTo(buffer, 0);
            Assert.Equal(SrtpResult.Ok, ours.ProtectRtcp(buffer, plain.Length, out var protectedLength));
            Assert.Equal(plain.Length, theirs.UnprotectRtcp(buffer, protectedLength));
            Assert.Equal(plain, buffer[..plain.Length]);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void We_unprotect_what_libsrtp_protects(object profileCase)
    {
        var profile = (SrtpProfile)profileCase;
        var (key, salt) = MasterKeys(profile, seed: 4);
        using var theirs = LibSrtp.Create(profile, key, salt, outbound: true);
        using var ours = new SrtpContext(profile, key, salt);

        for (var i = 0; i < 40; i++)
        {
            var plain = MakeRtp((ushort)(65520 + i), 0x2000u + (uint)(i % 2), 100 + 31 * i, withExtensionAndCsrc: i % 3 == 0);
            var buffer = new byte[plain.Length + 64];
            plain.CopyTo(buffer, 0);
            var protectedLength = theirs.Protect(buffer, plain.Length);
            Assert.Equal(plain.Length + SrtpContext.RtpOverhead(profile), protectedLength);
            Assert.Equal(SrtpResult.Ok, ours.UnprotectRtp(buffer, protectedLength, out var plainLength));
            Assert.Equal(plain, buffer[..plainLength]);
        }

        for (var i = 0; i < 5; i++)
        {
            var plain = MakeRtcp(0x2000);
            var buffer = new byte[plain.Length + 64];
            plain.CopyTo(buffer, 0);
            var protectedLength = theirs.ProtectRtcp(buffer, plain.Length);
            Assert.Equal(plain.Length + SrtpContext.RtcpOverhead(profile), protectedLength);
            Assert.Equal(SrtpResult.Ok, ours.UnprotectRtcp(buffer, protectedLength, out var plainLength));
            Assert.Equal(plain, buffer[..plainLength]);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Libsrtp_rejects_what_we_protected_and_someone_tampered(object profileCase)
    {
        var profile = (SrtpProfile)profileCase;
        var (key, salt) = MasterKeys(profile, seed: 5);
        using var ours = new SrtpContext(profile, key, salt);
        using var theirs = LibSrtp.Create(profile, key, salt, outbound: false);
        var plain = MakeRtp(3, 3, 200);
        var buffer = new byte[plain.Length + 64];
        plain.CopyTo(buffer, 0);
        Assert.Equal(SrtpResult.Ok, ours.ProtectRtp(buffer, plain.Length, out var protectedLength));
        buffer[20] ^= 1;
        Assert.True(theirs.Unprotect(buffer, protectedLength) < 0);
    }
}
