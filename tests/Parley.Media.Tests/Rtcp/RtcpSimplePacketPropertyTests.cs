using FsCheck.Xunit;
using Parley.Media.Rtcp;

namespace Parley.Media.Tests.Rtcp;

public class RtcpSimplePacketPropertyTests
{
    [Property(MaxTest = 200)]
    public void Bye_build_then_parse_gives_back_sources_and_reason(uint[] ssrcs, byte[] reason)
    {
        ssrcs = (ssrcs ?? []).Take(31).ToArray();
        reason = (reason ?? []).Take(255).ToArray();
        var buffer = new byte[512];

        Assert.True(RtcpGoodbye.TryWrite(buffer, ssrcs, reason, out var written));
        Assert.True(RtcpGoodbye.TryParse(buffer.AsSpan(0, written), out var bye));

        Assert.Equal(ssrcs, Enumerable.Range(0, bye.SourceCount).Select(i => GetSource(buffer, written, i)));

        Assert.Equal(reason, bye.Reason.ToArray());
    }

    [Property(MaxTest = 200)]
    public void App_build_then_parse_gives_back_every_field(byte subtypeSeed, uint ssrc, uint name, uint[] words)
    {
        var subtype = subtypeSeed & 0x1F;
        var nameBytes = BitConverter.GetBytes(name);
        var data = (words ?? []).SelectMany(BitConverter.GetBytes).ToArray();
        var buffer = new byte[12 + data.Length];

        Assert.True(RtcpApplicationDefined.TryWrite(buffer, subtype, ssrc, nameBytes, data, out var written));
        Assert.True(RtcpApplicationDefined.TryParse(buffer.AsSpan(0, written), out var app));

        Assert.Equal(subtype, app.Subtype);
        Assert.Equal(ssrc, app.Ssrc);
        Assert.Equal(nameBytes, app.Name.ToArray());
        Assert.Equal(data, app.Data.ToArray());
    }

    [Property(MaxTest = 200)]
    public void Fir_and_pli_build_then_parse_give_back_every_field(uint sender, uint media, uint[] targets, byte sequenceSeed)
    {
        var entries = (targets ?? []).Select((ssrc, i) => new RtcpFirEntry(ssrc, (byte)(sequenceSeed + i))).ToArray();
        var buffer = new byte[12 + (entries.Length * RtcpFirEntry.Size)];

        var pli = new RtcpPictureLossIndication(sender, media);
        Assert.True(pli.TryWrite(buffer, out var pliLength));
        Assert.True(RtcpPictureLossIndication.TryParse(buffer.AsSpan(0, pliLength), out var parsedPli));
        Assert.Equal(pli, parsedPli);

        if (entries.Length == 0)
        {
            Assert.False(RtcpFullIntraRequest.TryWrite(buffer, sender, entries, out _));
            return;
        }

        Assert.True(RtcpFullIntraRequest.TryWrite(buffer, sender, entries, out var written));
        Assert.True(RtcpFullIntraRequest.TryParse(buffer.AsSpan(0, written), out var fir));
        Assert.Equal(sender, fir.SenderSsrc);
        Assert.Equal(entries, Enumerable.Range(0, fir.EntryCount).Select(i => GetFirEntry(buffer, written, i)));
    }

    private static uint GetSource(byte[] buffer, int length, int index)
    {
        Assert.True(RtcpGoodbye.TryParse(buffer.AsSpan(0, length), out var bye));
        return bye.GetSource(index);
    }

    private static RtcpFirEntry GetFirEntry(byte[] buffer, int length, int index)
    {
        Assert.True(RtcpFullIntraRequest.TryParse(buffer.AsSpan(0, length), out var fir));
        return fir.GetEntry(index);
    }
}
