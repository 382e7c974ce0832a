using Parley.Media.Rtcp;

namespace Parley.Media.Rtc;

/// <summary>Packs lost sequence numbers into generic NACK FCI entries (PID + BLP, RFC 4585 §6.2.1).</summary>
internal static class NackItemPacker
{
    /// <summary>
    /// Fills <paramref name="items"/> from <paramref name="lost"/>, given in RTP order as
    /// <see cref="NackGenerator.CollectNacks"/> returns them: each entry starts at the first loss not yet covered and
    /// takes the following losses up to 16 ahead. Returns the entries written and, through
    /// <paramref name="consumed"/>, how many sequence numbers they cover, so a caller short of room sends the rest later.
    /// </summary>
    public static int Pack(ReadOnlySpan<ushort> lost, Span<RtcpNackItem> items, out int consumed)
    {
        consumed = 0;
        var written = 0;
        while (consumed < lost.Length && written < items.Length)
        {
            var packetId = lost[consumed++];
            var bitmask = 0;
            while (consumed < lost.Length)
            {
                var distance = (ushort)(lost[consumed] - packetId);
                if (distance > 16)
                {
                    break;
                }

                if (distance != 0)
                {
                    bitmask |= 1 << (distance - 1);
                }

                consumed++;
            }

            items[written++] = new RtcpNackItem(packetId, (ushort)bitmask);
        }

        return written;
    }
}
