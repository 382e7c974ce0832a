namespace Parley.Media.Bwe;

/// <summary>What transport-wide feedback said about one packet we sent: when it left, when it arrived (or not), its size.</summary>
/// <param name="SequenceNumber">Transport-wide sequence number, unwrapped to 64 bits.</param>
/// <param name="SendTimeMicroseconds">When the packet left, on the sender's clock.</param>
/// <param name="ArrivalTimeMicroseconds">
/// When it arrived, on the receiver's clock (only differences between arrivals mean anything), or
/// <see cref="NotReceived"/>.
/// </param>
/// <param name="Size">Bytes on the wire as counted by the sender.</param>
/// <param name="ProbeClusterId">The probe cluster the packet belonged to, or <see cref="ProbeCluster.None"/>.</param>
internal readonly record struct PacketResult(
    long SequenceNumber,
    long SendTimeMicroseconds,
    long ArrivalTimeMicroseconds,
    int Size,
    int ProbeClusterId)
{
    public const long NotReceived = long.MinValue;

    public bool Received => ArrivalTimeMicroseconds != NotReceived;
}
