using System.Text;
using Parley.Media.Rtcp;

namespace Parley.Media.Tests.Rtcp;

public class RtcpSourceDescriptionTests
{
    private const string Cname = "{9c00eb92-1afb-9d49-a47d-91f64eee69f5}";

    [Fact]
    public void Parses_the_cname_of_a_real_compound()
    {
        var sdes = RtcpVectors.Bytes(RtcpVectors.PionCompound)[32..84];

        Assert.True(RtcpSourceDescription.TryParse(sdes, out var description));
        Assert.Equal(1, description.ChunkCount);
        var chunks = new List<(uint, string)>();
        foreach (var chunk in description.Chunks)
        {
            Assert.True(chunk.TryGetItem(SdesItemType.Cname, out var cname));
            chunks.Add((chunk.Ssrc, Encoding.UTF8.GetString(cname)));
        }

        Assert.Equal([(0x902f9e2eu, Cname)], chunks);
    }

    [Fact]
    public void Writes_a_cname_packet_byte_for_byte()
    {
        var expected = RtcpVectors.Bytes(RtcpVectors.PionCompound)[32..84];
        var buffer = new byte[100];

        Assert.True(RtcpSourceDescription.TryWriteCname(buffer, 0x902f9e2e, Encoding.UTF8.GetBytes(Cname), out var written));

        Assert.Equal(expected, buffer[..written]);
    }

    [Fact]
    public void Builds_and_parses_several_chunks_and_items()
    {
        var buffer = new byte[200];
        var builder = new RtcpSourceDescriptionBuilder(buffer);
        Assert.True(builder.TryAddChunk(1));
        Assert.True(builder.TryAddItem(SdesItemType.Cname, "ab"u8));
        Assert.True(builder.TryAddChunk(2));
        Assert.True(builder.TryAddItem(SdesItemType.Cname, "c"u8));
        Assert.True(builder.TryAddItem(SdesItemType.Tool, "parley"u8));
        Assert.True(builder.TryFinish(out var written));

        // Chunk 1: 4 + 2+2 = 8, END at 8 → 12. Chunk 2: 4 + 3 + 8 = 15, END → 16.
        Assert.Equal(
            RtcpVectors.Bytes("82ca0007 00000001 01026162 00000000 00000002 010163 0606706172 6c6579 00"),
            buffer[..written]);

        Assert.True(RtcpSourceDescription.TryParse(buffer.AsSpan(0, written), out var description));
        var items = new List<(uint, SdesItemType, string)>();
        foreach (var chunk in description.Chunks)
        {
            foreach (var item in chunk.Items)
            {
                items.Add((chunk.Ssrc, item.Type, Encoding.UTF8.GetString(item.Value)));
            }
        }

        Assert.Equal([(1u, SdesItemType.Cname, "ab"), (2u, SdesItemType.Cname, "c"), (2u, SdesItemType.Tool, "parley")], items);
    }

    [Theory]
    [InlineData("81ca0001 902f9e2e")] // chunk without END
    [InlineData("81ca0002 902f9e2e 01050000")] // item longer than the packet
    [InlineData("82ca0002 902f9e2e 00000000")] // two chunks announced, one present
    public void Rejects_malformed_chunks(string hex)
    {
        Assert.False(RtcpSourceDescription.TryParse(RtcpVectors.Bytes(hex), out _));
    }

    [Fact]
    public void Builder_refuses_items_outside_a_chunk_and_overflow()
    {
        var noChunk = new RtcpSourceDescriptionBuilder(new byte[64]);
        Assert.False(noChunk.TryAddItem(SdesItemType.Cname, "x"u8));

        var small = new RtcpSourceDescriptionBuilder(new byte[16]);
        Assert.True(small.TryAddChunk(1));
        Assert.False(small.TryAddItem(SdesItemType.Cname, "0123456789"u8));
        Assert.False(small.TryFinish(out _));

        var tooLong = new RtcpSourceDescriptionBuilder(new byte[600]);
        Assert.True(tooLong.TryAddChunk(1));
        Assert.False(tooLong.TryAddItem(SdesItemType.Cname, new byte[256]));
    }
}
