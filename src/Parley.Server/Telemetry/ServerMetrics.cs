using System.Diagnostics.Metrics;
using Parley.Server.Membership;

namespace Parley.Server.Telemetry;

/// <summary>
/// The <c>Parley.Server</c> meter: live rooms, participants and waiting people (read from the in-memory
/// <see cref="ConnectionRegistry"/>, never the database), and counts of hub joins and leaves.
/// </summary>
internal sealed class ServerMetrics
{
    public const string MeterName = "Parley.Server";

    private readonly Counter<long> _joins;
    private readonly Counter<long> _leaves;

    public ServerMetrics(IMeterFactory meterFactory, ConnectionRegistry registry)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableUpDownCounter("parley.rooms.active", () => registry.Count().ActiveRooms, "{room}", "Rooms with at least one participant.");
        meter.CreateObservableUpDownCounter("parley.participants", () => registry.Count().Members, "{participant}", "Hub connections joined to a room.");
        meter.CreateObservableUpDownCounter("parley.waiting", () => registry.Count().Waiting, "{connection}", "Hub connections waiting at a room's door.");
        meter.CreateObservableUpDownCounter("parley.hub.connections", () => registry.Count().Connections, "{connection}", "Open hub connections.");
        _joins = meter.CreateCounter<long>("parley.hub.joins", "{join}", "Connections that joined a room.");
        _leaves = meter.CreateCounter<long>("parley.hub.leaves", "{leave}", "Participants that lost their place, by reason (left, removed, room_closed).");
    }

    public void Joined() => _joins.Add(1);

    public void Left(LeaveReason reason, int count = 1)
    {
        if (count > 0)
        {
            _leaves.Add(count, new KeyValuePair<string, object?>("reason", reason switch
            {
                LeaveReason.Removed => "removed",
                LeaveReason.RoomClosed => "room_closed",
                _ => "left",
            }));
        }
    }
}

/// <summary>Why a participant's place in a room ended, for <c>parley.hub.leaves</c>.</summary>
internal enum LeaveReason
{
    /// <summary>They left, or their connection dropped.</summary>
    Left,

    /// <summary>A host removed them.</summary>
    Removed,

    /// <summary>The room was deleted.</summary>
    RoomClosed,
}
