using Parley.Media.Rtp;

namespace Parley.Media.Tests.Rtp;

public sealed class RedPayloadTests
{
    // RFC 2198 §3's example: a redundant LPC block (PT 7, 14 bytes) ahead of the primary DVI4 block (PT 5). The figure
    // leaves the offset out; 160 is one 20 ms frame at 8 kHz.
    private static readonly byte[] Lpc = [.. Enumerable.Range(1, 14).Select(i => (byte)i)];
    private static readonly byte[] Dvi4 = [.. Enumerable.Range(100, 84).Select(i => (byte)i)];

    private static byte[] Rfc2198Example() =>
    [
        0x87, 0x02, 0x80, 0x0E, // F=1, PT 7 | offset 160 (14 bits) | length 14 (10 bits)
        0x05,                   // F=0, PT 5
        .. Lpc,
        .. Dvi4,
    ];

    [Fact]
    public void Reads_the_RFC_2198_example()
    {
        var payload = Rfc2198Example();
        Assert.True(RedPayload.TryParse(payload, out var red));
        Assert.Equal(1, red.RedundantCount);
        Assert.Equal(5, red.HeaderLength);
        Assert.Equal(5, red.PrimaryPayloadType);
        Assert.Equal(Dvi4, red.Primary.ToArray());
        var blocks = 0;
        foreach (var block in red.RedundantBlocks)
        {
            blocks++;
            Assert.Equal(7, block.PayloadType);
            Assert.Equal(160, block.TimestampOffset);
            Assert.Equal(Lpc, block.Data.ToArray());
        }

        Assert.Equal(1, blocks);
    }

    [Fact]
    public void Writes_the_RFC_2198_example_byte_for_byte()
    {
        var buffer = new byte[200];
        var writer = new RedPayloadWriter(buffer, 1);
        Assert.True(writer.TryAddRedundant(7, 160, Lpc));
        Assert.True(writer.TryFinish(5, Dvi4, out var written));
        Assert.Equal(Rfc2198Example(), buffer[..written]);
    }

    [Fact]
    public void Reads_a_primary_alone_and_several_redundant_blocks_in_order()
    {
        Assert.True(RedPayload.TryParse([0x6F, 0xAA, 0xBB], out var single));
        Assert.Equal(0, single.RedundantCount);
        Assert.Equal(111, single.PrimaryPayloadType);
        Assert.Equal([0xAA, 0xBB], single.Primary.ToArray());

        // Opus as Chromium sends it with two earlier frames: offsets 1920 and 960 at 48 kHz, the largest offset and
        // length the header holds in the first block.
        var buffer = new byte[2000];
        var writer = new RedPayloadWriter(buffer, 2);
        var oldest = new byte[RedPayload.MaxBlockLength];
        Assert.True(writer.TryAddRedundant(111, RedPayload.MaxTimestampOffset, oldest));
        Assert.True(writer.TryAddRedundant(111, 960, [1, 2, 3]));
        Assert.True(writer.TryFinish(111, [9], out var written));
        Assert.Equal([0xEF, 0xFF, 0xFF, 0xFF, 0xEF, 0x0F, 0x00, 0x03, 0x6F], buffer[..9]);
        Assert.True(RedPayload.TryParse(buffer.AsSpan(0, written), out var red));
        var offsets = new List<int>();
        var lengths = new List<int>();
        foreach (var block in red.RedundantBlocks)
        {
            offsets.Add(block.TimestampOffset);
            lengths.Add(block.Data.Length);
        }

        Assert.Equal([RedPayload.MaxTimestampOffset, 960], offsets);
        Assert.Equal([RedPayload.MaxBlockLength, 3], lengths);
        Assert.Equal([9], red.Primary.ToArray());
    }

    [Fact]
    public void An_empty_primary_is_well_formed()
    {
        Assert.True(RedPayload.TryParse([0xEF, 0x03, 0xC0, 0x01, 0x6F, 0x42], out var red));
        Assert.Equal(1, red.RedundantCount);
        Assert.True(red.Primary.IsEmpty);
    }

    [Theory]
    [InlineData(new byte[0])]                                   // nothing at all
    [InlineData(new byte[] { 0x87 })]                           // a redundant header cut short
    [InlineData(new byte[] { 0x87, 0x02, 0x80 })]
    [InlineData(new byte[] { 0x87, 0x02, 0x80, 0x0E })]         // no primary header after the redundant one
    [InlineData(new byte[] { 0x87, 0x02, 0x80, 0x0E, 0x05, 1, 2, 3 })] // a 14-byte block with 3 bytes
    [InlineData(new byte[] { 0x87, 0x00, 0x00, 0x00, 0x87, 0x00 })]   // the second header cut short
    public void Malformed_payloads_do_not_parse(byte[] payload) => Assert.False(RedPayload.TryParse(payload, out _));

    [Fact]
    public void The_writer_refuses_what_the_format_cannot_hold()
    {
        var buffer = new byte[4000];
        Assert.False(new RedPayloadWriter(buffer, 1).TryAddRedundant(128, 0, [1]));
        Assert.False(new RedPayloadWriter(buffer, 1).TryAddRedundant(7, RedPayload.MaxTimestampOffset + 1, [1]));
        Assert.False(new RedPayloadWriter(buffer, 1).TryAddRedundant(7, 0, new byte[RedPayload.MaxBlockLength + 1]));
        Assert.False(new RedPayloadWriter(buffer, 1).TryFinish(5, [1], out _)); // the redundant block is missing
        var twice = new RedPayloadWriter(buffer, 0);
        Assert.False(twice.TryAddRedundant(7, 0, [1]));
        Assert.False(new RedPayloadWriter(new byte[6], 1).TryAddRedundant(7, 0, [1, 2]));
        Assert.False(new RedPayloadWriter(new byte[2], 0).TryFinish(5, [1, 2], out _));
    }

    [Fact]
    public void Payload_types_are_renumbered_in_place_and_unknown_ones_leave_it_untouched()
    {
        var map = new byte[128];
        Array.Fill(map, (byte)0xFF);
        map[7] = 100;
        map[5] = 101;
        var payload = Rfc2198Example();
        Assert.True(RedPayload.TryMapPayloadTypes(payload, map));
        Assert.Equal([0xE4, 0x02, 0x80, 0x0E, 0x65], payload[..5]);
        Assert.Equal(Rfc2198Example()[5..], payload[5..]);

        map[5] = 0xFF;
        var unknown = Rfc2198Example();
        Assert.False(RedPayload.TryMapPayloadTypes(unknown, map));
        Assert.Equal(Rfc2198Example(), unknown);
        Assert.False(RedPayload.TryMapPayloadTypes(new byte[] { 0x87, 0x02 }, map));
    }

    [Fact]
    public void Random_bytes_never_read_past_the_payload()
    {
        var random = new Random(2198);
        var buffer = new byte[64];
        for (var i = 0; i < 20_000; i++)
        {
            var length = random.Next(buffer.Length + 1);
            random.NextBytes(buffer);
            var payload = buffer.AsSpan(0, length);
            if (!RedPayload.TryParse(payload, out var red))
            {
                continue;
            }

            var total = red.HeaderLength + red.Primary.Length;
            foreach (var block in red.RedundantBlocks)
            {
                total += block.Data.Length;
            }

            Assert.Equal(length, total);
        }
    }
}
