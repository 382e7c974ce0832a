namespace Parley.Media.Rtcp;

/// <summary>Packet status symbols of transport-wide CC feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.1).</summary>
internal enum TransportCcSymbol : byte
{
    NotReceived = 0,

    /// <summary>Received, with a one-byte unsigned delta (0–63.75 ms).</summary>
    SmallDelta = 1,

    /// <summary>Received, with a two-byte signed delta (or a negative one).</summary>
    LargeDelta = 2,

    /// <summary>Reserved by the draft; a packet carrying it is rejected.</summary>
    Reserved = 3,
}
