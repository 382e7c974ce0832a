using Parley.Media.Rtp;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Transports;

public sealed class TransportWideSequenceWriterTests
{
    private static readonly byte[] FixedHeader = [0x80, 0x60, 0x00, 0x07, 0x00, 0x00, 0x01, 0x00, 0x11, 0x22, 0x33, 0x44];

    [Fact]
    public void A_packet_without_extension_gets_a_one_byte_block()
    {
        byte[] packet = [.. FixedHeader, 0xAA, 0xBB, 0xCC];
        var written = Write(packet, id: 5, sequence: 0x1234);
        byte[] expected = [0x90, .. FixedHeader[1..], 0xBE, 0xDE, 0x00, 0x01, 0x51, 0x12, 0x34, 0x00, 0xAA, 0xBB, 0xCC];
        Assert.Equal(expected, written);
    }

    [Fact]
    public void An_id_over_14_without_extension_gets_a_two_byte_block()
    {
        byte[] packet = [.. FixedHeader, 0xAA];
        var written = Write(packet, id: 20, sequence: 0xFFFE);
        byte[] expected = [0x90, .. FixedHeader[1..], 0x10, 0x00, 0x00, 0x01, 20, 0x02, 0xFF, 0xFE, 0xAA];
        Assert.Equal(expected, written);
    }

    [Fact]
    public void An_element_is_appended_to_a_one_byte_block_using_its_padding()
    {
        // One element (id 1, one byte) and two padding bytes: the new element needs three, so the block grows by 4.
        byte[] packet = [0x90, .. FixedHeader[1..], 0xBE, 0xDE, 0x00, 0x01, 0x10, 0x7F, 0x00, 0x00, 0xAA];
        var written = Write(packet, id: 5, sequence: 2);
        byte[] expected = [0x90, .. FixedHeader[1..], 0xBE, 0xDE, 0x00, 0x02, 0x10, 0x7F, 0x51, 0x00, 0x02, 0x00, 0x00, 0x00, 0xAA];
        Assert.Equal(expected, written);

        // One two-byte element (id 2) leaves one byte of padding: not enough, it grows by 4.
        byte[] three = [0x90, .. FixedHeader[1..], 0xBE, 0xDE, 0x00, 0x01, 0x21, 0x01, 0x02, 0x00, 0xAA];
        Assert.Equal(
            [0x90, .. FixedHeader[1..], 0xBE, 0xDE, 0x00, 0x02, 0x21, 0x01, 0x02, 0x51, 0x00, 0x09, 0x00, 0x00, 0xAA],
            Write(three, id: 5, sequence: 9));
    }

    [Fact]
    public void An_element_is_appended_to_a_two_byte_block()
    {
        byte[] packet = [0x90, .. FixedHeader[1..], 0x10, 0x00, 0x00, 0x01, 0x03, 0x01, 0x7F, 0x00, 0xAA];
        var written = Write(packet, id: 5, sequence: 0x0102);
        byte[] expected = [0x90, .. FixedHeader[1..], 0x10, 0x00, 0x00, 0x02, 0x03, 0x01, 0x7F, 0x05, 0x02, 0x01, 0x02, 0x00, 0xAA];
        Assert.Equal(expected, written);
    }

    [Fact]
    public void An_existing_element_is_overwritten_in_place()
    {
        byte[] packet = [0x90, .. FixedHeader[1..], 0xBE, 0xDE, 0x00, 0x01, 0x51, 0x00, 0x00, 0x00, 0xAA];
        var written = Write(packet, id: 5, sequence: 0xABCD);
        byte[] expected = [0x90, .. FixedHeader[1..], 0xBE, 0xDE, 0x00, 0x01, 0x51, 0xAB, 0xCD, 0x00, 0xAA];
        Assert.Equal(expected, written);
    }

    [Fact]
    public void Csrcs_and_padding_are_kept()
    {
        // One CSRC, P set: a padding-only packet of 4 bytes.
        byte[] packet = [0xA1, .. FixedHeader[1..], 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x04];
        var written = Write(packet, id: 3, sequence: 1);
        Assert.True(RtpPacket.TryParse(written, out var parsed));
        Assert.Equal(1, parsed.CsrcCount);
        Assert.Equal(0x01020304u, parsed.GetCsrc(0));
        Assert.Equal(4, parsed.PaddingLength);
        Assert.True(parsed.TryGetExtension(3, out var value));
        Assert.Equal([0x00, 0x01], value.ToArray());
    }

    [Fact]
    public void Refused_when_a_one_byte_block_cannot_hold_the_id_or_the_copy_does_not_fit()
    {
        byte[] packet = [0x90, .. FixedHeader[1..], 0xBE, 0xDE, 0x00, 0x01, 0x10, 0x7F, 0x00, 0x00, 0xAA];
        Assert.False(TransportWideSequenceWriter.TryWrite(packet, 20, 1, new byte[64], out _));
        Assert.False(TransportWideSequenceWriter.TryWrite(packet, 5, 1, new byte[packet.Length], out _));
        Assert.False(TransportWideSequenceWriter.TryWrite([0x80, 0x60], 5, 1, new byte[64], out _));
    }

    [Fact]
    public void Every_result_parses_with_the_sequence_number_under_the_id()
    {
        var random = new Random(13);
        for (var i = 0; i < 500; i++)
        {
            var extensions = Enumerable.Range(0, random.Next(0, 4))
                .Select(k => ((byte)(k + 1), Enumerable.Range(0, random.Next(1, 9)).Select(_ => (byte)random.Next(256)).ToArray()))
                .ToArray();
            var packet = Routing.TestRtp.Build(96, (ushort)i, 0, 1, new byte[random.Next(0, 40)], extensions);
            var sequence = (ushort)random.Next(65536);
            var written = Write(packet, id: 7, sequence);
            Assert.True(RtpPacket.TryParse(written, out var parsed));
            Assert.True(parsed.TryGetExtension(7, out var value));
            Assert.Equal(sequence, (ushort)((value[0] << 8) | value[1]));
            foreach (var (id, expected) in extensions)
            {
                Assert.True(parsed.TryGetExtension(id, out var kept));
                Assert.Equal(expected, kept.ToArray());
            }

            Assert.True(RtpPacket.TryParse(packet, out var original));
            Assert.Equal(original.Payload.ToArray(), parsed.Payload.ToArray());
        }
    }

    private static byte[] Write(byte[] packet, byte id, ushort sequence)
    {
        var destination = new byte[packet.Length + TransportWideSequenceWriter.MaxGrowth];
        Assert.True(TransportWideSequenceWriter.TryWrite(packet, id, sequence, destination, out var written));
        return destination[..written];
    }
}
