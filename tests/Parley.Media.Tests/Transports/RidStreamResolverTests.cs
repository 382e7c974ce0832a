using System.Buffers.Binary;
using Parley.Media.Ortc;
using Parley.Media.Rtp;
using Parley.Media.Tests.Routing;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Transports;

public sealed class RidStreamResolverTests
{
    private static RtpParameters RidOnly() => new()
    {
        Mid = "1",
        Codecs = [new RtpCodecParameters { MimeType = "video/VP8", PayloadType = 96, ClockRate = 90000 }],
        HeaderExtensions =
        [
            new RtpHeaderExtensionParameters { Uri = RtpHeaderExtensionUris.Mid, Id = 4 },
            new RtpHeaderExtensionParameters { Uri = RtpHeaderExtensionUris.RtpStreamId, Id = 10 },
        ],
        Encodings = [new RtpEncodingParameters { Rid = "r0" }, new RtpEncodingParameters { Rid = "r1" }],
    };

    [Fact]
    public void Binds_a_real_ssrc_on_mid_and_rid_then_rewrites_rtp_in_and_feedback_out()
    {
        var resolver = new RidStreamResolver();
        var parameters = RidOnly();
        resolver.AssignStandIns(parameters);
        var standIn = parameters.Encodings[1].Ssrc!.Value;
        Assert.NotEqual(parameters.Encodings[0].Ssrc, standIn);
        Assert.Null(parameters.Encodings[1].Rtx); // no RTX codec

        var wrongMid = TestRtp.Build(96, 1, 0, 0x1234, [1], (4, "9"u8.ToArray()), (10, "r1"u8.ToArray()));
        Resolve(resolver, wrongMid);
        Assert.Equal(0x1234u, TestRtp.Header(wrongMid).Ssrc);

        var first = TestRtp.Build(96, 1, 0, 0x1234, [1], (4, "1"u8.ToArray()), (10, "r1"u8.ToArray()));
        Resolve(resolver, first);
        Assert.Equal(standIn, TestRtp.Header(first).Ssrc);
        var plain = TestRtp.Build(96, 2, 0, 0x1234, [1]);
        Resolve(resolver, plain);
        Assert.Equal(standIn, TestRtp.Header(plain).Ssrc);

        // A PLI (PSFB FMT 1) for the stand-in goes out for the real SSRC.
        var pli = new byte[12];
        pli[0] = 0x81;
        pli[1] = 206;
        pli[3] = 2;
        BinaryPrimitives.WriteUInt32BigEndian(pli.AsSpan(4), 0x99);
        BinaryPrimitives.WriteUInt32BigEndian(pli.AsSpan(8), standIn);
        var scratch = new byte[64];
        Assert.True(resolver.TryRewriteOutgoingRtcp(pli, scratch, out var length));
        Assert.Equal(12, length);
        Assert.Equal(0x1234u, BinaryPrimitives.ReadUInt32BigEndian(scratch.AsSpan(8)));
        Assert.Equal(0x99u, BinaryPrimitives.ReadUInt32BigEndian(scratch.AsSpan(4)));

        BinaryPrimitives.WriteUInt32BigEndian(pli.AsSpan(8), 0x77);
        Assert.False(resolver.TryRewriteOutgoingRtcp(pli, scratch, out _));

        // An incoming compound: the SR of the real SSRC is turned to the stand-in, an unknown one left alone.
        var compound = new byte[128];
        Assert.True(Parley.Media.Rtcp.RtcpSenderReport.TryWrite(compound, 0x1234, 1, 2, 3, 4, [], out var firstLength));
        Assert.True(Parley.Media.Rtcp.RtcpSenderReport.TryWrite(compound.AsSpan(firstLength), 0x5555, 1, 2, 3, 4, [], out var secondLength));
        resolver.ResolveSenderReports(compound.AsSpan(0, firstLength + secondLength));
        Assert.Equal(standIn, BinaryPrimitives.ReadUInt32BigEndian(compound.AsSpan(4)));
        Assert.Equal(0x5555u, BinaryPrimitives.ReadUInt32BigEndian(compound.AsSpan(firstLength + 4)));
        resolver.ResolveSenderReports(compound.AsSpan(0, 7)); // too short to hold a header: nothing happens

        resolver.Remove(standIn);
        var after = TestRtp.Build(96, 3, 0, 0x1234, [1]);
        Resolve(resolver, after);
        Assert.Equal(0x1234u, TestRtp.Header(after).Ssrc);
    }

    private static void Resolve(RidStreamResolver resolver, byte[] packet)
    {
        Assert.True(RtpPacket.TryParse(packet, out var rtp));
        resolver.Resolve(ref rtp);
    }
}
