namespace Parley.Media.Srtp;

/// <summary>
/// The receiver's replay list of RFC 3711 §3.3.2 as a sliding bitmap: bit k set means the packet with
/// index <c>Highest - k</c> was accepted. 128 packets wide, like libwebrtc's receive window, so video
/// reordered across a burst still gets through.
/// </summary>
internal struct SrtpReplayWindow
{
    public const int Size = 128;

    private UInt128 _accepted;

    /// <summary>Whether any packet has been accepted yet.</summary>
    public bool HasHighest { get; private set; }

    /// <summary>The highest accepted index (SRTP: ROC·2^16 + SEQ; SRTCP: the 31-bit index).</summary>
    public ulong Highest { get; private set; }

    /// <summary>Checks <paramref name="index"/> without recording it; call <see cref="Accept"/> once authenticated.</summary>
    public readonly SrtpResult Check(ulong index)
    {
        if (!HasHighest || index > Highest)
            return SrtpResult.Ok;
        ulong behind = Highest - index;
        if (behind >= Size)
            return SrtpResult.TooOldPacket;
        return ((_accepted >> (int)behind) & UInt128.One) != UInt128.Zero ? SrtpResult.ReplayedPacket : SrtpResult.Ok;
    }

    /// <summary>Records <paramref name="index"/> as received, advancing the window when it is the new highest.</summary>
    public void Accept(ulong index)
    {
        if (!HasHighest)
        {
            HasHighest = true;
            Highest = index;
            _accepted = UInt128.One;
            return;
        }

        if (index > Highest)
        {
            ulong ahead = index - Highest;
            _accepted = ahead >= Size ? UInt128.One : (_accepted << (int)ahead) | UInt128.One;
            Highest = index;
            return;
        }

        ulong behind = Highest - index;
        if (behind < Size)
            _accepted |= UInt128.One << (int)behind;
    }
}
