using System.Buffers.Binary;
using Parley.Media.Srtp;
using static Parley.Media.Tests.Srtp.SrtpTestPackets;

namespace Parley.Media.Tests.Srtp;

public class SrtpContextTests
{
    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rtp_round_trips_and_the_payload_is_encrypted(object profileCase)
    {
        var profile = (SrtpProfile)profileCase;
        using var sender = Context(profile);
        using var receiver = Context(profile);
        var plain = MakeRtp(1000, 0x11223344, 1200);
        var wire = ProtectRtp(sender, plain);

        Assert.Equal(plain.Length + SrtpContext.RtpOverhead(profile), wire.Length);
        Assert.Equal(plain[..12], wire[..12]);
        Assert.NotEqual(plain[12..], wire[12..plain.Length]);

        Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtp(wire, wire.Length, out var plainLength));
        Assert.Equal(plain, wire[..plainLength]);
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rtp_with_csrc_and_extension_round_trips(object profileCase)
    {
        var profile = (SrtpProfile)profileCase;
        using var sender = Context(profile);
        using var receiver = Context(profile);
        var plain = MakeRtp(7, 0x55, 300, withExtensionAndCsrc: true);
        var wire = ProtectRtp(sender, plain);
        Assert.Equal(plain[..24], wire[..24]);
        Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtp(wire, wire.Length, out var plainLength));
        Assert.Equal(plain, wire[..plainLength]);
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rtcp_round_trips_with_the_e_bit_and_an_increasing_index(object profileCase)
    {
        var profile = (SrtpProfile)profileCase;
        using var sender = Context(profile);
        using var receiver = Context(profile);
        for (uint i = 0; i < 3; i++)
        {
            var plain = MakeRtcp(0xAABBCCDD);
            var wire = ProtectRtcp(sender, plain);
            Assert.Equal(plain.Length + SrtpContext.RtcpOverhead(profile), wire.Length);
            Assert.NotEqual(plain[8..], wire[8..plain.Length]);
            int indexAt = profile is SrtpProfile.AeadAes128Gcm or SrtpProfile.AeadAes256Gcm ? wire.Length - 4 : plain.Length;
            Assert.Equal(0x8000_0000u | i, BinaryPrimitives.ReadUInt32BigEndian(wire.AsSpan(indexAt)));

            Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtcp(wire, wire.Length, out var plainLength));
            Assert.Equal(plain, wire[..plainLength]);
        }
    }

    [Fact]
    public void Srtcp_of_the_32_bit_profile_carries_an_80_bit_tag()
    {
        Assert.Equal(4, SrtpContext.RtpOverhead(SrtpProfile.AesCm128HmacSha1_32));
        Assert.Equal(14, SrtpContext.RtcpOverhead(SrtpProfile.AesCm128HmacSha1_32));
        using var sender = Context(SrtpProfile.AesCm128HmacSha1_32);
        Assert.Equal(32 + 14, ProtectRtcp(sender, MakeRtcp(1)).Length);
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void The_rollover_counter_follows_the_sequence_wrap_on_both_sides(object profileCase)
    {
        var profile = (SrtpProfile)profileCase;
        using var sender = Context(profile);
        using var receiver = Context(profile);
        const uint ssrc = 0x01020304;
        var sent = new List<(ushort Seq, byte[] Wire)>();
        for (var seq = 65530; seq < 65536 + 6; seq++)
            sent.Add(((ushort)seq, ProtectRtp(sender, MakeRtp((ushort)seq, ssrc))));

        // Reorder across the wrap: 0 and 1 arrive before 65534 and 65535.
        var order = new[] { 0, 1, 2, 3, 6, 7, 4, 5, 8, 9, 10, 11 };
        foreach (var i in order)
        {
            var (seq, wire) = sent[i];
            var buffer = wire.ToArray();
            Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtp(buffer, buffer.Length, out var plainLength));
            Assert.Equal(MakeRtp(seq, ssrc), buffer[..plainLength]);
        }

        Assert.Equal((1UL << 16) | 5, sender.HighestRtpIndex(ssrc));
        Assert.Equal((1UL << 16) | 5, receiver.HighestRtpIndex(ssrc));
    }

    [Fact]
    public void A_wrong_rollover_counter_guess_fails_authentication_rather_than_decrypting_garbage()
    {
        using var sender = Context(SrtpProfile.AesCm128HmacSha1_80);
        using var receiver = Context(SrtpProfile.AesCm128HmacSha1_80);
        // The sender wraps (ROC 1) without the receiver seeing any packet of ROC 0 past 32768.
        ProtectRtp(sender, MakeRtp(10, 9));
        for (var seq = 20000; seq <= 65535; seq += 20000)
            ProtectRtp(sender, MakeRtp((ushort)seq, 9));
        ProtectRtp(sender, MakeRtp(65535, 9));
        var afterWrap = ProtectRtp(sender, MakeRtp(5, 9));

        var first = ProtectRtp(Context(SrtpProfile.AesCm128HmacSha1_80), MakeRtp(10, 9));
        Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtp(first, first.Length, out _));
        Assert.Equal(SrtpResult.AuthenticationFailed, receiver.UnprotectRtp(afterWrap, afterWrap.Length, out _));
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void A_replayed_rtp_packet_is_rejected(object profileCase)
    {
        var profile = (SrtpProfile)profileCase;
        using var sender = Context(profile);
        using var receiver = Context(profile);
        var wire = ProtectRtp(sender, MakeRtp(100, 1));
        var copy = wire.ToArray();
        Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtp(wire, wire.Length, out _));
        Assert.Equal(SrtpResult.ReplayedPacket, receiver.UnprotectRtp(copy, copy.Length, out _));
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void A_packet_behind_the_window_is_too_old_and_one_inside_it_gets_through_once(object profileCase)
    {
        var profile = (SrtpProfile)profileCase;
        using var sender = Context(profile);
        using var receiver = Context(profile);
        var old = ProtectRtp(sender, MakeRtp(1000, 1));
        var inside = ProtectRtp(sender, MakeRtp(1200, 1));
        var newest = ProtectRtp(sender, MakeRtp(1000 + SrtpReplayWindow.Size + 100, 1));

        Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtp(newest, newest.Length, out _));
        Assert.Equal(SrtpResult.TooOldPacket, receiver.UnprotectRtp(old, old.Length, out _));
        var insideCopy = inside.ToArray();
        Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtp(inside, inside.Length, out _));
        Assert.Equal(SrtpResult.ReplayedPacket, receiver.UnprotectRtp(insideCopy, insideCopy.Length, out _));
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void A_replayed_or_too_old_rtcp_packet_is_rejected(object profileCase)
    {
        var profile = (SrtpProfile)profileCase;
        using var sender = Context(profile);
        using var receiver = Context(profile);
        var first = ProtectRtcp(sender, MakeRtcp(5));
        var firstCopy = first.ToArray();
        Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtcp(first, first.Length, out _));
        Assert.Equal(SrtpResult.ReplayedPacket, receiver.UnprotectRtcp(firstCopy, firstCopy.Length, out _));

        sender.SetNextRtcpIndex(5, 500);
        var later = ProtectRtcp(sender, MakeRtcp(5));
        Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtcp(later, later.Length, out _));
        sender.SetNextRtcpIndex(5, 1);
        var old = ProtectRtcp(sender, MakeRtcp(5));
        Assert.Equal(SrtpResult.TooOldPacket, receiver.UnprotectRtcp(old, old.Length, out _));
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Any_flipped_bit_fails_authentication_and_does_not_poison_the_window(object profileCase)
    {
        var profile = (SrtpProfile)profileCase;
        using var sender = Context(profile);
        using var receiver = Context(profile);
        var wire = ProtectRtp(sender, MakeRtp(42, 77, 64));
        // The sequence number and SSRC bytes (2..11) change the index guess or stream; every other byte is authenticated too.
        foreach (var position in new[] { 0, 1, 3, 4, 8, 12, 40, wire.Length - 1 })
        {
            var tampered = wire.ToArray();
            tampered[position] ^= 0x01;
            var result = receiver.UnprotectRtp(tampered, tampered.Length, out _);
            Assert.True(result is SrtpResult.AuthenticationFailed or SrtpResult.TooShort, $"byte {position}: {result}");
        }

        Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtp(wire, wire.Length, out _));

        var rtcp = ProtectRtcp(sender, MakeRtcp(77));
        var tamperedRtcp = rtcp.ToArray();
        tamperedRtcp[^1] ^= 0x80;
        Assert.NotEqual(SrtpResult.Ok, receiver.UnprotectRtcp(tamperedRtcp, tamperedRtcp.Length, out _));
        Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtcp(rtcp, rtcp.Length, out _));
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Another_key_fails_authentication(object profileCase)
    {
        var profile = (SrtpProfile)profileCase;
        using var sender = Context(profile, seed: 1);
        using var receiver = Context(profile, seed: 2);
        var wire = ProtectRtp(sender, MakeRtp(1, 1));
        Assert.Equal(SrtpResult.AuthenticationFailed, receiver.UnprotectRtp(wire, wire.Length, out _));
        var rtcp = ProtectRtcp(sender, MakeRtcp(1));
        Assert.Equal(SrtpResult.AuthenticationFailed, receiver.UnprotectRtcp(rtcp, rtcp.Length, out _));
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Short_malformed_or_unfitting_input_is_reported_not_thrown(object profileCase)
    {
        var profile = (SrtpProfile)profileCase;
        using var context = Context(profile);
        var plain = MakeRtp(1, 1, 20);
        Assert.Equal(SrtpResult.BufferTooSmall, context.ProtectRtp(plain.ToArray(), plain.Length, out _));
        Assert.Equal(SrtpResult.TooShort, context.ProtectRtp(new byte[40], 11, out _));
        Assert.Equal(SrtpResult.TooShort, context.ProtectRtp(new byte[40], 41, out _));
        Assert.Equal(SrtpResult.TooShort, context.ProtectRtp(new byte[40], -1, out _));

        var badVersion = new byte[64];
        badVersion[0] = 0x40;
        Assert.Equal(SrtpResult.TooShort, context.ProtectRtp(badVersion, 30, out _));
        var extensionPastEnd = MakeRtp(1, 1, 4);
        extensionPastEnd[0] |= 0x10;
        Assert.Equal(SrtpResult.TooShort, context.UnprotectRtp(extensionPastEnd, extensionPastEnd.Length, out _));

        Assert.Equal(SrtpResult.TooShort, context.UnprotectRtp(new byte[20], 15, out _));
        Assert.Equal(SrtpResult.TooShort, context.UnprotectRtcp(new byte[40], 8 + SrtpContext.RtcpOverhead(profile) - 1, out _));
        Assert.Equal(SrtpResult.TooShort, context.ProtectRtcp(new byte[40], 7, out _));
        Assert.Equal(SrtpResult.BufferTooSmall, context.ProtectRtcp(new byte[40], 32, out _));
    }

    [Fact]
    public void A_disposed_context_reports_it()
    {
        var context = Context(SrtpProfile.AeadAes128Gcm);
        context.Dispose();
        context.Dispose();
        Assert.Equal(SrtpResult.Disposed, context.ProtectRtp(new byte[100], 50, out _));
        Assert.Equal(SrtpResult.Disposed, context.UnprotectRtcp(new byte[100], 50, out _));
    }

    [Fact]
    public void Keys_of_the_wrong_length_are_refused_by_name()
    {
        var error = Assert.Throws<ArgumentException>(() => new SrtpContext(SrtpProfile.AeadAes256Gcm, new byte[16], new byte[12]));
        Assert.Contains("32-byte master key", error.Message);
        Assert.Throws<ArgumentException>(() => new SrtpContext(SrtpProfile.AesCm128HmacSha1_80, new byte[16], new byte[12]));
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Many_ssrcs_keep_their_own_state(object profileCase)
    {
        var profile = (SrtpProfile)profileCase;
        using var sender = Context(profile);
        using var receiver = Context(profile);
        for (uint ssrc = 1; ssrc <= 50; ssrc++)
        {
            var wire = ProtectRtp(sender, MakeRtp((ushort)(ssrc * 1000), ssrc));
            Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtp(wire, wire.Length, out _));
        }

        for (uint ssrc = 1; ssrc <= 50; ssrc++)
            Assert.Equal(ssrc * 1000, receiver.HighestRtpIndex(ssrc));
    }

    [Fact]
    public void A_forged_packet_does_not_create_receive_state()
    {
        using var receiver = Context(SrtpProfile.AesCm128HmacSha1_80);
        var forged = MakeRtp(9, 0xDEAD, 50).Concat(new byte[10]).ToArray();
        Assert.Equal(SrtpResult.AuthenticationFailed, receiver.UnprotectRtp(forged, forged.Length, out _));
        Assert.Null(receiver.HighestRtpIndex(0xDEAD));
    }
}
