using Parley.Media.Rtp;

namespace Parley.Media.Fuzz.Targets;

/// <summary>
/// RTP and its header extensions: parse; enumerate every extension element (each inside the extension block);
/// find and overwrite each in place; rebuild the packet with <see cref="RtpPacketBuilder"/> from the parsed fields
/// and parse it again (same header, CSRCs, elements, payload and padding); RTX unwrap, then wrap back.
/// </summary>
internal static class RtpTarget
{
    private const int MaxElements = 64;

    public static void Run(ReadOnlySpan<byte> input)
    {
        var buffer = input.ToArray();
        if (!RtpPacket.TryParse(buffer, out var packet))
        {
            return;
        }

        FuzzInvariantException.Check(packet.HeaderLength + packet.PaddingLength <= packet.Length, "header and padding fit the packet");
        FuzzInvariantException.Check(packet.Payload.Length == packet.Length - packet.HeaderLength - packet.PaddingLength, "payload is what is left");
        for (var i = 0; i < packet.CsrcCount; i++)
        {
            _ = packet.GetCsrc(i);
        }

        var extensionData = packet.ExtensionData;
        var count = 0;
        foreach (var element in packet.Extensions)
        {
            FuzzInvariantException.Check(element.Value.IsEmpty || extensionData.Overlaps(element.Value), "an element lies inside the extension block");
            FuzzInvariantException.Check(packet.TryGetExtension(element.Id, out _), "an enumerated element is found by id");
            FuzzInvariantException.Check(++count <= extensionData.Length, "no more elements than bytes");
        }

        Rebuild(input, packet);
        OverwriteElements(input);
        RtxRoundTrip(input);
    }

    /// <summary>Writing each element's own value back changes nothing; a shorter value parses back as written.</summary>
    private static void OverwriteElements(ReadOnlySpan<byte> input)
    {
        var buffer = input.ToArray();
        RtpPacket.TryParse(buffer, out var packet);
        Span<byte> ids = stackalloc byte[MaxElements];
        var idCount = CollectIds(packet, ids);
        foreach (var id in ids[..idCount])
        {
            packet.TryGetExtension(id, out var value);
            var copy = value.ToArray();
            FuzzInvariantException.Check(packet.TrySetExtension(id, copy) && buffer.AsSpan().SequenceEqual(input), "rewriting an element's own value changes nothing");
            if (copy.Length > 1 && packet.TrySetExtension(id, copy.AsSpan(0, copy.Length - 1)))
            {
                FuzzInvariantException.Check(RtpPacket.TryParse(buffer, out var shortened), "a shortened element leaves a valid packet");
                FuzzInvariantException.Check(shortened.TryGetExtension(id, out var now) && now.SequenceEqual(copy.AsSpan(0, copy.Length - 1)), "the shortened value reads back");
                input.CopyTo(buffer);
                RtpPacket.TryParse(buffer, out packet);
            }
        }
    }

    private static int CollectIds(in RtpPacket packet, Span<byte> ids)
    {
        var count = 0;
        foreach (var element in packet.Extensions)
        {
            if (count == ids.Length)
            {
                break;
            }

            ids[count++] = element.Id;
        }

        return count;
    }

    private static void Rebuild(ReadOnlySpan<byte> input, in RtpPacket packet)
    {
        if (packet.HasExtension && packet.ExtensionForm == RtpHeaderExtensionForm.None)
        {
            return;
        }

        var output = new byte[input.Length + 1024];
        var form = packet.ExtensionForm == RtpHeaderExtensionForm.None ? RtpHeaderExtensionForm.OneByte : packet.ExtensionForm;
        var builder = new RtpPacketBuilder(output, packet.PayloadType, packet.SequenceNumber, packet.Timestamp, packet.Ssrc, packet.Marker, form);
        for (var i = 0; i < packet.CsrcCount; i++)
        {
            builder.TryAddCsrc(packet.GetCsrc(i));
        }

        foreach (var element in packet.Extensions)
        {
            builder.TryAddExtension(element.Id, element.Value);
        }

        if (!builder.TryFinish(packet.Payload, packet.PaddingLength, out var written))
        {
            return;
        }

        FuzzInvariantException.Check(RtpPacket.TryParse(output.AsSpan(0, written), out var again), "a rebuilt packet parses");
        FuzzInvariantException.Check(
            (again.PayloadType, again.SequenceNumber, again.Timestamp, again.Ssrc, again.Marker, again.CsrcCount, again.PaddingLength)
            == (packet.PayloadType, packet.SequenceNumber, packet.Timestamp, packet.Ssrc, packet.Marker, packet.CsrcCount, packet.PaddingLength),
            "header fields round-trip");
        for (var i = 0; i < packet.CsrcCount; i++)
        {
            FuzzInvariantException.Check(again.GetCsrc(i) == packet.GetCsrc(i), "CSRCs round-trip");
        }

        FuzzInvariantException.Check(again.Payload.SequenceEqual(packet.Payload), "payload round-trips");
        var expected = packet.Extensions;
        var actual = again.Extensions;
        while (expected.MoveNext())
        {
            FuzzInvariantException.Check(actual.MoveNext(), "every element is rebuilt");
            FuzzInvariantException.Check(actual.Current.Id == expected.Current.Id && actual.Current.Value.SequenceEqual(expected.Current.Value), "elements round-trip in order");
        }

        FuzzInvariantException.Check(!actual.MoveNext(), "no element is added");
    }

    /// <summary>An RTX packet unwrapped and wrapped again with the RTX stream's own numbers is the same packet.</summary>
    private static void RtxRoundTrip(ReadOnlySpan<byte> input)
    {
        var buffer = input.ToArray();
        if (!RtpPacket.TryParse(buffer, out var rtx) || rtx.HasPadding)
        {
            return;
        }

        var original = new byte[buffer.Length];
        if (!RtxPacket.TryUnwrap(rtx, original, originalSsrc: 0x1234_5678, originalPayloadType: 96, out var written))
        {
            return;
        }

        FuzzInvariantException.Check(RtpPacket.TryParse(original.AsSpan(0, written), out var unwrapped), "an unwrapped packet parses");
        var wrapped = new byte[written + 2];
        FuzzInvariantException.Check(
            RtxPacket.TryWrap(unwrapped, wrapped, rtx.Ssrc, rtx.PayloadType, rtx.SequenceNumber, out var rewrapped),
            "an unwrapped packet wraps again");
        FuzzInvariantException.Check(wrapped.AsSpan(0, rewrapped).SequenceEqual(input), "unwrap then wrap gives the RTX packet back");
    }
}
