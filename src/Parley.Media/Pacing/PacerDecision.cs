namespace Parley.Media.Pacing;

/// <summary>What to send now: a queued packet (by the caller's id), or padding of a size.</summary>
/// <param name="PacketId">The id given at enqueue; -1 for padding.</param>
/// <param name="Size">Bytes; for padding, how many to generate.</param>
/// <param name="Priority">The packet's class; <see cref="PacketPriority.Padding"/> for padding.</param>
/// <param name="ProbeClusterId">The probe cluster this send belongs to, or <see cref="Bwe.ProbeCluster.None"/>.</param>
internal readonly record struct PacerDecision(long PacketId, int Size, PacketPriority Priority, int ProbeClusterId)
{
    public bool IsPadding => Priority == PacketPriority.Padding;
}
