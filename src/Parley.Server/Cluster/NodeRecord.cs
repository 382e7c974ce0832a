namespace Parley.Server.Cluster;

/// <summary>
/// A node's heartbeat in the registry: where it is, how loaded it is, and whether it is draining (then placement
/// sends it no new room).
/// </summary>
internal sealed record NodeRecord(string Id, string PublicUrl, string MediaAddress, int Participants, int Rooms, bool Draining = false)
{
    /// <summary>Least loaded first: fewer people, then fewer rooms, then the id (so that every node picks alike).</summary>
    public static readonly IComparer<NodeRecord> ByLoad = Comparer<NodeRecord>.Create((a, b) =>
    {
        var byPeople = a.Participants.CompareTo(b.Participants);
        if (byPeople != 0)
        {
            return byPeople;
        }

        var byRooms = a.Rooms.CompareTo(b.Rooms);
        return byRooms != 0 ? byRooms : string.CompareOrdinal(a.Id, b.Id);
    });
}
