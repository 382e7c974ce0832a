using Parley.Media.Rtp;

namespace Parley.Media.Tests.Rtp;

public class RtpPacketTests
{
    [Fact]
    public void Parses_chrome_packet_with_one_byte_extensions()
    {
        var bytes = ChromeRtpVectors.Bytes(ChromeRtpVectors.OneByteThreeElements);

        Assert.True(RtpPacket.TryParse(bytes, out var packet));
        Assert.False(packet.Marker);
        Assert.Equal(45, packet.PayloadType);
        Assert.Equal(6751, packet.SequenceNumber);
        Assert.Equal(3557360969u, packet.Timestamp);
        Assert.Equal(0xf7b16e83u, packet.Ssrc);
        Assert.Equal(0, packet.CsrcCount);
        Assert.True(packet.HasExtension);
        Assert.Equal(0xBEDE, packet.ExtensionProfile);
        Assert.Equal(RtpHeaderExtensionForm.OneByte, packet.ExtensionForm);
        Assert.Equal(28, packet.HeaderLength);
        Assert.Equal(0, packet.Payload.Length);

        var found = new List<(byte Id, string Value)>();
        foreach (var element in packet.Extensions)
        {
            found.Add((element.Id, Convert.ToHexStringLower(element.Value)));
        }

        Assert.Equal([(2, "f34350"), (4, "009b"), (13, "810045")], found);
    }

    [Fact]
    public void Parses_chrome_packet_with_seven_one_byte_elements_and_marker()
    {
        var bytes = ChromeRtpVectors.Bytes(ChromeRtpVectors.OneByteSevenElements);

        Assert.True(RtpPacket.TryParse(bytes, out var packet));
        Assert.True(packet.Marker);
        Assert.Equal(45, packet.PayloadType);
        Assert.Equal(6612, packet.SequenceNumber);
        Assert.Equal(3557156759u, packet.Timestamp);
        Assert.True(packet.TryGetExtension(7, out var dependency));
        Assert.Equal("0100030009000a002300000000", Convert.ToHexStringLower(dependency));
        Assert.True(packet.TryGetExtension(9, out var audioLevel));
        Assert.Equal("30", Convert.ToHexStringLower(audioLevel));
        Assert.False(packet.TryGetExtension(5, out _));

        var ids = new List<byte>();
        foreach (var element in packet.Extensions)
        {
            ids.Add(element.Id);
        }

        Assert.Equal([2, 4, 9, 3, 6, 7, 13], ids);
    }

    [Fact]
    public void Parses_chrome_packet_with_two_byte_extensions()
    {
        var bytes = ChromeRtpVectors.Bytes(ChromeRtpVectors.TwoByteSevenElements);

        Assert.True(RtpPacket.TryParse(bytes, out var packet));
        Assert.Equal(25029, packet.SequenceNumber);
        Assert.Equal(2500464622u, packet.Timestamp);
        Assert.Equal(0x8d3814e5u, packet.Ssrc);
        Assert.Equal(RtpHeaderExtensionForm.TwoByte, packet.ExtensionForm);
        Assert.Equal(16 + 68, packet.HeaderLength);
        Assert.True(packet.TryGetExtension(13, out var longValue));
        Assert.Equal(33, longValue.Length);
        Assert.Equal("c000018003187aaaf130a0a014d1413823046008642222265009f0077013f00ef0", Convert.ToHexStringLower(longValue));
        Assert.True(packet.TryGetExtension(2, out var absSendTime));
        Assert.Equal("03f7ae", Convert.ToHexStringLower(absSendTime));
    }

    [Fact]
    public void Parses_csrcs_payload_and_padding()
    {
        // V=2 P=1 X=0 CC=2, M=1 PT=111, seq 0xfffe, ts 0x01020304, SSRC 0xdeadbeef, CSRCs 1 and 0xffffffff,
        // payload "abc", 3 padding bytes ending with the count.
        var bytes = Convert.FromHexString("a2effffe01020304deadbeef00000001ffffffff" + "616263" + "000003");

        Assert.True(RtpPacket.TryParse(bytes, out var packet));
        Assert.True(packet.HasPadding);
        Assert.True(packet.Marker);
        Assert.Equal(111, packet.PayloadType);
        Assert.Equal(0xfffe, packet.SequenceNumber);
        Assert.Equal(2, packet.CsrcCount);
        Assert.Equal(1u, packet.GetCsrc(0));
        Assert.Equal(0xffffffffu, packet.GetCsrc(1));
        Assert.Equal(20, packet.HeaderLength);
        Assert.Equal(3, packet.PaddingLength);
        Assert.Equal("abc"u8.ToArray(), packet.Payload.ToArray());
        Assert.Equal(RtpHeaderExtensionForm.None, packet.ExtensionForm);
    }

    [Theory]
    [InlineData("")]
    [InlineData("80")]
    [InlineData("806f0001000000020000")] // 10 bytes
    [InlineData("406f000100000002000000030000")] // version 1
    [InlineData("c06f000100000002000000030000")] // version 3
    [InlineData("816f00010000000200000003")] // CC=1 without the CSRC
    [InlineData("906f00010000000200000003bede")] // X without the extension header
    [InlineData("906f00010000000200000003bede0002aabbccdd")] // extension says 2 words, has 1
    [InlineData("a06f0001000000020000000300")] // padding count 0
    [InlineData("a06f0001000000020000000302")] // padding count 2, only 1 byte after the header
    [InlineData("a06f0001000000020000000305")] // padding count 5, only the count byte itself
    [InlineData("906f00010000000200000003bede000133aabb00")] // one-byte element of 4 bytes overruns the block
    [InlineData("906f00010000000200000003bede000105aabbcc")] // ID 0 with a non-zero length
    [InlineData("906f00010000000200000003100000010105aabb")] // two-byte element of 5 bytes overruns
    [InlineData("906f000100000002000000031000000100000001")] // two-byte element header cut after the ID
    public void Rejects_malformed_packets(string hex)
    {
        var bytes = Convert.FromHexString(hex);

        Assert.False(RtpPacket.TryParse(bytes, out _));
    }

    [Fact]
    public void Accepts_padding_that_fills_the_whole_payload()
    {
        var bytes = Convert.FromHexString("a06f00010000000200000003" + "00000004");

        Assert.True(RtpPacket.TryParse(bytes, out var packet));
        Assert.Equal(4, packet.PaddingLength);
        Assert.True(packet.Payload.IsEmpty);
    }

    [Fact]
    public void One_byte_id_15_stops_the_walk()
    {
        // Element 1 (1 B), then 0xF0 (ID 15): the rest, though it looks like element 2, is ignored.
        var bytes = Convert.FromHexString("906f00010000000200000003bede0002" + "10aa" + "f0" + "20bb" + "000000");

        Assert.True(RtpPacket.TryParse(bytes, out var packet));
        var ids = new List<byte>();
        foreach (var element in packet.Extensions)
        {
            ids.Add(element.Id);
        }

        Assert.Equal([1], ids);
        Assert.False(packet.TryGetExtension(2, out _));
    }

    [Fact]
    public void Padding_bytes_between_elements_are_skipped()
    {
        var oneByte = Convert.FromHexString("906f00010000000200000003bede0002" + "10aa" + "0000" + "21bbcc" + "00");
        var twoByte = Convert.FromHexString("906f00010000000200000003" + "10000002" + "0101aa00" + "000201bb");

        Assert.True(RtpPacket.TryParse(oneByte, out var first));
        Assert.True(first.TryGetExtension(2, out var value));
        Assert.Equal("bbcc", Convert.ToHexStringLower(value));

        Assert.True(RtpPacket.TryParse(twoByte, out var second));
        Assert.True(second.TryGetExtension(2, out var value2));
        Assert.Equal("bb", Convert.ToHexStringLower(value2));
    }

    [Fact]
    public void Unknown_extension_profile_is_kept_but_not_interpreted()
    {
        var bytes = Convert.FromHexString("906f00010000000200000003abcd0001" + "11223344" + "ff");

        Assert.True(RtpPacket.TryParse(bytes, out var packet));
        Assert.Equal(0xabcd, packet.ExtensionProfile);
        Assert.Equal(RtpHeaderExtensionForm.None, packet.ExtensionForm);
        Assert.Equal("11223344", Convert.ToHexStringLower(packet.ExtensionData));
        Assert.False(packet.Extensions.MoveNext());
        Assert.Equal([0xff], packet.Payload.ToArray());
    }

    [Fact]
    public void Setters_rewrite_the_header_in_place()
    {
        var bytes = ChromeRtpVectors.Bytes(ChromeRtpVectors.OneByteSevenElements);
        Assert.True(RtpPacket.TryParse(bytes, out var packet));

        packet.Ssrc = 0x01020304;
        packet.PayloadType = 96;
        packet.SequenceNumber = 0xabcd;
        packet.Timestamp = 0x11223344;
        packet.Marker = false;

        var expected = ChromeRtpVectors.Bytes("9060abcd1122334401020304" + ChromeRtpVectors.OneByteSevenElements[24..]);
        Assert.Equal(expected, bytes);

        packet.PayloadType = 127;
        packet.Marker = true;
        Assert.Equal(0xff, bytes[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => SetPayloadType(bytes, 128));
    }

    [Fact]
    public void Sets_an_extension_value_of_the_same_length()
    {
        var bytes = ChromeRtpVectors.Bytes(ChromeRtpVectors.OneByteThreeElements);
        Assert.True(RtpPacket.TryParse(bytes, out var packet));

        Assert.True(packet.TrySetExtension(4, [0x12, 0x34]));

        Assert.Equal(ChromeRtpVectors.Bytes(ChromeRtpVectors.OneByteThreeElements.Replace("41009b", "411234")), bytes);
    }

    [Fact]
    public void Sets_a_shorter_extension_value_and_pads_the_rest()
    {
        var oneByte = ChromeRtpVectors.Bytes(ChromeRtpVectors.OneByteThreeElements);
        Assert.True(RtpPacket.TryParse(oneByte, out var first));
        Assert.True(first.TrySetExtension(2, [0x77]));
        Assert.Equal(ChromeRtpVectors.Bytes(ChromeRtpVectors.OneByteThreeElements.Replace("22f34350", "20770000")), oneByte);
        Assert.True(RtpPacket.TryParse(oneByte, out first));
        Assert.True(first.TryGetExtension(2, out var value));
        Assert.Equal([0x77], value.ToArray());
        Assert.True(first.TryGetExtension(13, out var untouched));
        Assert.Equal("810045", Convert.ToHexStringLower(untouched));

        var twoByte = ChromeRtpVectors.Bytes(ChromeRtpVectors.TwoByteSevenElements);
        Assert.True(RtpPacket.TryParse(twoByte, out var second));
        Assert.True(second.TrySetExtension(2, []));
        Assert.True(RtpPacket.TryParse(twoByte, out second));
        Assert.True(second.TryGetExtension(2, out var empty));
        Assert.True(empty.IsEmpty);
        Assert.True(second.TryGetExtension(4, out var next));
        Assert.Equal("0002", Convert.ToHexStringLower(next));
    }

    [Fact]
    public void Refuses_an_extension_value_that_does_not_fit()
    {
        var bytes = ChromeRtpVectors.Bytes(ChromeRtpVectors.OneByteThreeElements);
        var original = bytes.ToArray();
        Assert.True(RtpPacket.TryParse(bytes, out var packet));

        Assert.False(packet.TrySetExtension(4, [1, 2, 3]));
        Assert.False(packet.TrySetExtension(4, []));
        Assert.False(packet.TrySetExtension(5, [1]));
        Assert.Equal(original, bytes);
    }

    private static void SetPayloadType(byte[] bytes, byte value)
    {
        Assert.True(RtpPacket.TryParse(bytes, out var packet));
        packet.PayloadType = value;
    }
}
