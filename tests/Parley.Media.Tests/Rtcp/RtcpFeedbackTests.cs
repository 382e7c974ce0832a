using Parley.Media.Rtcp;

namespace Parley.Media.Tests.Rtcp;

public class RtcpFeedbackTests
{
    [Fact]
    public void Pli_of_a_real_compound_round_trips()
    {
        var pli = RtcpVectors.Bytes(RtcpVectors.PionCompound)[92..104];

        Assert.True(RtcpPictureLossIndication.TryParse(pli, out var parsed));
        Assert.Equal(new RtcpPictureLossIndication(0x902f9e2e, 0x902f9e2e), parsed);

        var buffer = new byte[12];
        Assert.True(parsed.TryWrite(buffer, out var written));
        Assert.Equal(pli, buffer[..written]);
        Assert.False(parsed.TryWrite(new byte[11], out _));
    }

    [Fact]
    public void Feedback_parsers_check_type_and_format()
    {
        var compound = RtcpVectors.Bytes(RtcpVectors.PionCompound);
        var rapidResync = compound[104..116];

        Assert.False(RtcpPictureLossIndication.TryParse(rapidResync, out _));
        Assert.False(RtcpGenericNack.TryParse(rapidResync, out _));
        Assert.False(RtcpTransportFeedback.TryParse(rapidResync, out _));
        Assert.False(RtcpGenericNack.TryParse(compound[92..104], out _));
        Assert.False(RtcpPictureLossIndication.TryParse(RtcpVectors.Bytes("81ce0001 902f9e2e"), out _));
    }

    [Fact]
    public void Nack_from_libwebrtc_expands_and_rebuilds()
    {
        var bytes = RtcpVectors.Bytes(RtcpVectors.LibwebrtcNack);

        Assert.True(RtcpGenericNack.TryParse(bytes, out var nack));
        Assert.Equal(0x12345678u, nack.SenderSsrc);
        Assert.Equal(0x23456789u, nack.MediaSsrc);
        Assert.Equal(1, nack.ItemCount);
        Assert.Equal(new RtcpNackItem(0, 0x8085), nack.GetItem(0));
        Assert.Equal(5, nack.GetItem(0).LostCount);
        Assert.Equal(new ushort[] { 0, 1, 3, 8, 16 }, Lost(nack));

        var buffer = new byte[64];
        Assert.True(RtcpGenericNack.TryWrite(buffer, 0x12345678, 0x23456789, [0, 1, 3, 8, 16], out var written));
        Assert.Equal(bytes, buffer[..written]);
    }

    [Fact]
    public void Nack_from_jitsi_expands_and_rebuilds()
    {
        var bytes = RtcpVectors.Bytes(RtcpVectors.JitsiNack);
        var expected = Enumerable.Range(0x2103, 25).Select(s => (ushort)s).ToArray();

        Assert.True(RtcpGenericNack.TryParse(bytes, out var nack));
        Assert.Equal(2, nack.ItemCount);
        Assert.Equal(expected, Lost(nack));

        var buffer = new byte[64];
        Assert.True(RtcpGenericNack.TryWrite(buffer, 0xc6473407, 0x1295f48f, expected, out var written));
        Assert.Equal(bytes, buffer[..written]);
    }

    [Fact]
    public void Nack_packs_across_the_sequence_wrap()
    {
        var buffer = new byte[64];

        Assert.True(RtcpGenericNack.TryWrite(buffer, 1, 2, [65534, 65535, 0, 5, 40], out var written));

        Assert.Equal(RtcpVectors.Bytes("81cd0004 00000001 00000002 fffe 0043 0028 0000"), buffer[..written]);
        Assert.True(RtcpGenericNack.TryParse(buffer.AsSpan(0, written), out var nack));
        Assert.Equal(new ushort[] { 65534, 65535, 0, 5, 40 }, Lost(nack));
    }

    [Theory]
    [InlineData("81cd0002 12345678 23456789")] // no FCI
    [InlineData("81cd0003 12345678 23456789")] // length past the end
    [InlineData("a1cd0003 12345678 23456789 00000002")] // padding eats half the FCI entry
    public void Rejects_malformed_nack(string hex)
    {
        Assert.False(RtcpGenericNack.TryParse(RtcpVectors.Bytes(hex), out _));
    }

    [Fact]
    public void Fir_round_trips_byte_for_byte()
    {
        // RFC 5104 §4.3.1: PSFB FMT 4, media SSRC 0, FCI entries of SSRC + seq nr + 3 reserved bytes.
        var bytes = RtcpVectors.Bytes("84ce0006 00000001 00000000 aabbccdd 07000000 11223344 ff000000");
        var buffer = new byte[64];

        Assert.True(RtcpFullIntraRequest.TryWrite(buffer, 1, [new RtcpFirEntry(0xaabbccdd, 7), new RtcpFirEntry(0x11223344, 255)], out var written));
        Assert.Equal(bytes, buffer[..written]);

        Assert.True(RtcpFullIntraRequest.TryParse(bytes, out var fir));
        Assert.Equal(1u, fir.SenderSsrc);
        Assert.Equal(2, fir.EntryCount);
        Assert.Equal(new RtcpFirEntry(0xaabbccdd, 7), fir.GetEntry(0));
        Assert.Equal(new RtcpFirEntry(0x11223344, 255), fir.GetEntry(1));

        Assert.False(RtcpFullIntraRequest.TryParse(RtcpVectors.Bytes("84ce0002 00000001 00000000"), out _));
        Assert.False(RtcpFullIntraRequest.TryParse(RtcpVectors.Bytes("84ce0003 00000001 00000000 aabbccdd"), out _));
        Assert.False(RtcpFullIntraRequest.TryWrite(buffer, 1, [], out _));
    }

    [Fact]
    public void Remb_from_libwebrtc_round_trips()
    {
        var bytes = RtcpVectors.Bytes(RtcpVectors.LibwebrtcRemb);

        Assert.True(RtcpRemb.TryParse(bytes, out var remb));
        Assert.Equal(0x12345678u, remb.SenderSsrc);
        Assert.Equal(522022ul, remb.Bitrate);
        Assert.Equal(3, remb.SsrcCount);
        Assert.Equal(0x2345678au, remb.GetSsrc(1));

        var buffer = new byte[64];
        Assert.True(RtcpRemb.TryWrite(buffer, 0x12345678, 522022, [0x23456789, 0x2345678a, 0x2345678b], out var written));
        Assert.Equal(bytes, buffer[..written]);
    }

    [Fact]
    public void Remb_uses_the_exponent_for_large_rates_and_rounds_down()
    {
        var buffer = new byte[64];

        Assert.True(RtcpRemb.TryWrite(buffer, 1, 0x3fb93ul << 30, [], out var written));
        Assert.Equal(RtcpVectors.Bytes("8fce0004 00000001 00000000 52454d42 007bfb93"), buffer[..written]);

        Assert.True(RtcpRemb.TryWrite(buffer, 1, 1_000_001, [], out written));
        Assert.True(RtcpRemb.TryParse(buffer.AsSpan(0, written), out var remb));
        Assert.True(remb.Bitrate <= 1_000_001 && remb.Bitrate > 1_000_001 - 4);

        Assert.True(RtcpRemb.TryParse(RtcpVectors.Bytes("8fce0004 00000001 00000000 52454d42 00ffffff"), out var saturated));
        Assert.Equal(ulong.MaxValue, saturated.Bitrate);
    }

    [Theory]
    [InlineData("8fce0004 12345678 00000000 52454d43 00000000")] // not "REMB"
    [InlineData("8fce0004 12345678 00000000 52454d42 01000000")] // one SSRC announced, none present
    [InlineData("8fce0003 12345678 00000000 52454d42")] // no bitrate word
    public void Rejects_malformed_remb(string hex)
    {
        Assert.False(RtcpRemb.TryParse(RtcpVectors.Bytes(hex), out _));
    }

    private static ushort[] Lost(RtcpGenericNack nack)
    {
        var lost = new List<ushort>();
        foreach (var sequence in nack.LostSequenceNumbers)
        {
            lost.Add(sequence);
        }

        return [.. lost];
    }
}
