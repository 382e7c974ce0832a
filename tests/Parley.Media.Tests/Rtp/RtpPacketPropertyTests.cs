using FsCheck;
using FsCheck.Xunit;
using Parley.Media.Rtp;

namespace Parley.Media.Tests.Rtp;

public class RtpPacketPropertyTests
{
    [Property(MaxTest = 300)]
    public void Build_then_parse_gives_back_every_field(
        byte payloadTypeSeed,
        ushort sequenceNumber,
        uint timestamp,
        uint ssrc,
        bool marker,
        uint[] csrcSeed,
        byte[][] extensionSeed,
        bool twoByte,
        byte[] payload,
        byte paddingLength)
    {
        var payloadType = (byte)(payloadTypeSeed & 0x7F);
        var csrcs = (csrcSeed ?? []).Take(15).ToArray();
        payload ??= [];
        var form = twoByte ? RtpHeaderExtensionForm.TwoByte : RtpHeaderExtensionForm.OneByte;
        var extensions = Extensions(extensionSeed ?? [], form);
        var buffer = new byte[2000];

        var builder = new RtpPacketBuilder(buffer, payloadType, sequenceNumber, timestamp, ssrc, marker, form);
        foreach (var csrc in csrcs)
        {
            Assert.True(builder.TryAddCsrc(csrc));
        }

        foreach (var (id, value) in extensions)
        {
            Assert.True(builder.TryAddExtension(id, value));
        }

        Assert.True(builder.TryFinish(payload, paddingLength, out var written));

        Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, written), out var packet));
        Assert.Equal(payloadType, packet.PayloadType);
        Assert.Equal(sequenceNumber, packet.SequenceNumber);
        Assert.Equal(timestamp, packet.Timestamp);
        Assert.Equal(ssrc, packet.Ssrc);
        Assert.Equal(marker, packet.Marker);
        Assert.Equal(csrcs.Length, packet.CsrcCount);
        for (var i = 0; i < csrcs.Length; i++)
        {
            Assert.Equal(csrcs[i], packet.GetCsrc(i));
        }

        Assert.Equal(paddingLength, packet.PaddingLength);
        Assert.Equal(paddingLength > 0, packet.HasPadding);
        Assert.Equal(payload, packet.Payload.ToArray());
        Assert.Equal(extensions.Count > 0, packet.HasExtension);

        var parsed = new List<(byte, byte[])>();
        foreach (var element in packet.Extensions)
        {
            parsed.Add((element.Id, element.Value.ToArray()));
        }

        Assert.Equal(extensions.Count, parsed.Count);
        for (var i = 0; i < extensions.Count; i++)
        {
            Assert.Equal(extensions[i].Id, parsed[i].Item1);
            Assert.Equal(extensions[i].Value, parsed[i].Item2);
        }
    }

    [Property(MaxTest = 300)]
    public void Rewrites_change_only_their_field(ushort sequenceNumber, uint timestamp, uint ssrc, byte payloadTypeSeed, bool marker)
    {
        var original = ChromeRtpVectors.Bytes(ChromeRtpVectors.OneByteSevenElements);
        var bytes = original.ToArray();
        Assert.True(RtpPacket.TryParse(bytes, out var packet));

        packet.SequenceNumber = sequenceNumber;
        packet.Timestamp = timestamp;
        packet.Ssrc = ssrc;
        packet.PayloadType = (byte)(payloadTypeSeed & 0x7F);
        packet.Marker = marker;

        Assert.True(RtpPacket.TryParse(bytes, out var reparsed));
        Assert.Equal(sequenceNumber, reparsed.SequenceNumber);
        Assert.Equal(timestamp, reparsed.Timestamp);
        Assert.Equal(ssrc, reparsed.Ssrc);
        Assert.Equal(payloadTypeSeed & 0x7F, reparsed.PayloadType);
        Assert.Equal(marker, reparsed.Marker);
        Assert.Equal(original[0], bytes[0]);
        Assert.Equal(original[12..], bytes[12..]);
    }

    [Property(MaxTest = 1000)]
    public void Parsing_random_bytes_never_throws(byte[] bytes)
    {
        bytes ??= [];
        if (RtpPacket.TryParse(bytes, out var packet))
        {
            Walk(packet);
        }

        // Also with a valid first byte, which gets much deeper into the parser.
        if (bytes.Length > 0)
        {
            bytes[0] = (byte)(0x80 | (bytes[0] & 0x3F));
            if (RtpPacket.TryParse(bytes, out packet))
            {
                Walk(packet);
            }
        }
    }

    [Property(MaxTest = 200)]
    public void Parsing_any_truncation_of_a_valid_packet_never_throws(byte[] payload, byte paddingLength, bool twoByte)
    {
        var buffer = new byte[2000];
        var form = twoByte ? RtpHeaderExtensionForm.TwoByte : RtpHeaderExtensionForm.OneByte;
        var builder = new RtpPacketBuilder(buffer, 96, 1, 2, 3, extensionForm: form);
        Assert.True(builder.TryAddCsrc(4));
        Assert.True(builder.TryAddExtension(1, [1, 2, 3]));
        Assert.True(builder.TryAddExtension(3, new byte[16]));
        Assert.True(builder.TryFinish(payload ?? [], paddingLength, out var written));

        for (var length = 0; length <= written; length++)
        {
            if (RtpPacket.TryParse(buffer.AsSpan(0, length), out var packet))
            {
                Walk(packet);
            }
        }

        Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, written), out _));
    }

    [Property(MaxTest = 500)]
    public void Parsing_a_chrome_packet_with_one_byte_changed_never_throws(ushort position, byte value, bool twoByte)
    {
        var bytes = ChromeRtpVectors.Bytes(twoByte ? ChromeRtpVectors.TwoByteSevenElements : ChromeRtpVectors.OneByteSevenElements);
        bytes[position % bytes.Length] = value;

        if (RtpPacket.TryParse(bytes, out var packet))
        {
            Walk(packet);
        }
    }

    private static void Walk(RtpPacket packet)
    {
        _ = packet.Payload.Length + packet.ExtensionData.Length + packet.CsrcCount;
        foreach (var element in packet.Extensions)
        {
            _ = element.Value.Length;
        }

        packet.TryGetExtension(1, out _);
        packet.TrySetExtension(1, [0]);
    }

    private static List<(byte Id, byte[] Value)> Extensions(byte[][] seed, RtpHeaderExtensionForm form)
    {
        var result = new List<(byte, byte[])>();
        foreach (var value in seed.Where(v => v is not null).Take(10))
        {
            if (form == RtpHeaderExtensionForm.OneByte)
            {
                var trimmed = value.Length == 0 ? [0x5a] : value.Take(16).ToArray();
                result.Add(((byte)(1 + (result.Count % 14)), trimmed));
            }
            else
            {
                result.Add(((byte)(1 + (result.Count * 25)), value.Take(255).ToArray()));
            }
        }

        return result;
    }
}
