namespace Parley.Media.Srtp;

/// <summary>The SRTP packet index (RFC 3711 §3.3.1): a 48-bit counter made of the rollover counter and the sequence number.</summary>
internal static class SrtpPacketIndex
{
    public const ulong MaxIndex = (1UL << 48) - 1;

    /// <summary>
    /// Guesses the index of a packet carrying <paramref name="sequenceNumber"/> from the highest index seen so
    /// far (RFC 3711 appendix A): whichever of ROC−1, ROC, ROC+1 puts it nearest the highest. Returns false when
    /// the guess falls before index 0 or beyond 2^48.
    /// </summary>
    public static bool TryEstimate(bool hasHighest, ulong highest, ushort sequenceNumber, out ulong index)
    {
        if (!hasHighest)
        {
            index = sequenceNumber;
            return true;
        }

        long rolloverCounter = (long)(highest >> 16);
        int highestSequence = (int)(highest & 0xFFFF);
        long guess = rolloverCounter;
        if (highestSequence < 0x8000)
        {
            if (sequenceNumber - highestSequence > 0x8000)
                guess = rolloverCounter - 1;
        }
        else if (highestSequence - 0x8000 > sequenceNumber)
        {
            guess = rolloverCounter + 1;
        }

        if (guess < 0 || guess > uint.MaxValue)
        {
            index = 0;
            return false;
        }

        index = ((ulong)guess << 16) | sequenceNumber;
        return true;
    }
}
