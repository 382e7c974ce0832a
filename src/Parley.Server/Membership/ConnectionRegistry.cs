namespace Parley.Server.Membership;

/// <summary>
/// Which hub connection is in which room, and who waits at which room's door: the one authority for live membership
/// in this process. <see cref="RoomMembershipService"/> changes it only under the room's lock, so a multi-step change
/// (join, replace, leave) is never observed half-done by another membership change. Every change of who is in a room
/// is also recorded as a <see cref="MembershipChange"/>, which <see cref="MembershipProjector"/> takes (still under the
/// room's lock) to bring the stores derived from membership in line: the SignalR groups and the media peers.
/// The registry's own lock only keeps its dictionaries consistent for readers.
/// </summary>
internal sealed class ConnectionRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Connection> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<MembershipChange>> _unprojected = new(StringComparer.Ordinal);

    public int ConnectionCount
    {
        get { lock (_gate) return _connections.Count; }
    }

    /// <summary>Connections still open (not those closing, nor those closed whose place the reconnect grace holds).</summary>
    public int OpenConnectionCount
    {
        get { lock (_gate) return _connections.Values.Count(c => !c.Closing); }
    }

    /// <summary>Rooms with someone in them, joined connections and waiting connections, for metrics.</summary>
    public RegistryCounts Count()
    {
        lock (_gate)
        {
            int rooms = 0, members = 0, waiting = 0;
            foreach (var room in _rooms.Values)
            {
                rooms += room.Members.Count > 0 ? 1 : 0;
                members += room.Members.Count;
                waiting += room.Waiting.Count;
            }

            return new RegistryCounts(_connections.Count, rooms, members, waiting);
        }
    }

    public void Add(string connectionId, string userId)
    {
        lock (_gate) _connections[connectionId] = new Connection(connectionId, userId);
    }

    /// <summary>
    /// Marks a connection as going away: from now on it cannot join or wait anywhere, so a join still in flight
    /// when the connection drops cannot leave a place behind that nobody will clean up.
    /// </summary>
    public void MarkClosing(string connectionId)
    {
        lock (_gate)
        {
            if (_connections.TryGetValue(connectionId, out var c))
            {
                c.Closing = true;
            }
        }
    }

    /// <summary>Forgets a connection; it must have left its room or waiting queue first.</summary>
    public void Remove(string connectionId)
    {
        lock (_gate) _connections.Remove(connectionId);
    }

    public ConnectionInfo? Find(string connectionId)
    {
        lock (_gate) return _connections.TryGetValue(connectionId, out var c) ? c.Snapshot() : null;
    }

    /// <summary>
    /// Puts a connection into a room (leaving its waiting place there, if any); false when the connection is gone
    /// or going. Another connection of the same user already in the room loses its place; its id is given in
    /// <paramref name="replaced"/> so that it can be told.
    /// </summary>
    public bool TryJoin(string roomId, string connectionId, bool isHost, out string? replaced)
    {
        lock (_gate)
        {
            replaced = null;
            if (!_connections.TryGetValue(connectionId, out var connection) || connection.Closing)
            {
                return false;
            }

            if (connection.RoomId is { } current && (current != roomId || connection.IsWaiting))
            {
                DetachUnlocked(connection);
            }

            var room = GetOrAddRoom(roomId);
            if (room.Members.TryGetValue(connection.UserId, out var previous) && previous != connection)
            {
                previous.RoomId = null;
                previous.IsHost = false;
                replaced = previous.Id;
                RecordUnlocked(new MemberLeft(roomId, previous.Id, previous.UserId) { Closed = previous.Closing });
            }

            if (!room.Members.TryGetValue(connection.UserId, out var already) || already != connection)
            {
                RecordUnlocked(new MemberJoined(roomId, connection.Id, connection.UserId));
            }

            room.Members[connection.UserId] = connection;
            connection.RoomId = roomId;
            connection.IsWaiting = false;
            connection.IsHost = isHost;
            connection.MicHeld = false;
            connection.EntrySourcesUsed = 0;
            return true;
        }
    }

    /// <summary>Makes the user's connection in the room a host or not (named or unnamed co-host); false when not in it.</summary>
    public bool SetHost(string roomId, string userId, bool isHost)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(roomId, out var room) || !room.Members.TryGetValue(userId, out var connection))
            {
                return false;
            }

            connection.IsHost = isHost;
            return true;
        }
    }

    /// <summary>Marks the connection's mic as muted by a host (or on entry), or frees it again (<c>askToUnmute</c>).</summary>
    public void HoldMic(string connectionId, bool held)
    {
        lock (_gate)
        {
            if (_connections.TryGetValue(connectionId, out var connection))
            {
                connection.MicHeld = held;
            }
        }
    }

    /// <summary>
    /// True the first time after joining that the connection produces <paramref name="source"/> (the producer that
    /// <c>muteOnEntry</c> / <c>camOffOnEntry</c> start paused); false every later time.
    /// </summary>
    public bool TakeFirstUse(string connectionId, RoomMedia.MediaSource source)
    {
        lock (_gate)
        {
            if (!_connections.TryGetValue(connectionId, out var connection))
            {
                return false;
            }

            var bit = 1 << (int)source;
            var first = (connection.EntrySourcesUsed & bit) == 0;
            connection.EntrySourcesUsed |= bit;
            return first;
        }
    }

    /// <summary>Takes a joined connection out of its room; false if it was in none.</summary>
    public bool Leave(string connectionId, out string roomId)
    {
        lock (_gate)
        {
            roomId = "";
            if (!_connections.TryGetValue(connectionId, out var connection) || connection.RoomId is null || connection.IsWaiting)
            {
                return false;
            }

            roomId = connection.RoomId;
            DetachUnlocked(connection);
            return true;
        }
    }

    /// <summary>
    /// Queues a connection at a room's door; false when the connection is gone or going. <paramref name="newUser"/>
    /// tells whether its user was not already waiting there (and the hosts must hear of them).
    /// </summary>
    public bool TryStartWaiting(string roomId, string connectionId, string name, out bool newUser)
    {
        lock (_gate)
        {
            newUser = false;
            if (!_connections.TryGetValue(connectionId, out var connection) || connection.Closing)
            {
                return false;
            }

            if (connection.RoomId is not null && (connection.RoomId != roomId || !connection.IsWaiting))
            {
                DetachUnlocked(connection);
            }

            var room = GetOrAddRoom(roomId);
            newUser = !room.Waiting.Exists(w => w.Connection.UserId == connection.UserId);
            if (!room.Waiting.Exists(w => w.Connection == connection))
            {
                room.Waiting.Add(new WaitingEntry(connection, name));
            }

            connection.RoomId = roomId;
            connection.IsWaiting = true;
            connection.IsHost = false;
            return true;
        }
    }

    /// <summary>
    /// Takes a connection out of a waiting queue. Returns the user when nobody of theirs waits there any more
    /// (so the hosts can drop the request), null otherwise or if the connection was not waiting.
    /// </summary>
    public WaitingUser? StopWaiting(string connectionId, out string roomId)
    {
        lock (_gate)
        {
            roomId = "";
            if (!_connections.TryGetValue(connectionId, out var connection) || connection.RoomId is null || !connection.IsWaiting)
            {
                return null;
            }

            roomId = connection.RoomId;
            var room = _rooms[roomId];
            var entry = room.Waiting.Find(w => w.Connection == connection)!;
            DetachUnlocked(connection);
            return room.Waiting.Exists(w => w.Connection.UserId == connection.UserId) ? null : new WaitingUser(connection.UserId, entry.Name);
        }
    }

    /// <summary>Empties a user's waiting places at a room (admitted or denied); returns their connection ids.</summary>
    public IReadOnlyList<string> ReleaseWaiting(string roomId, string userId)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(roomId, out var room))
            {
                return [];
            }

            var released = room.Waiting.FindAll(w => w.Connection.UserId == userId);
            foreach (var entry in released)
            {
                DetachUnlocked(entry.Connection);
            }

            return released.ConvertAll(w => w.Connection.Id);
        }
    }

    /// <summary>The users waiting at a room's door, first come first.</summary>
    public IReadOnlyList<WaitingUser> GetWaiting(string roomId)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(roomId, out var room))
            {
                return [];
            }

            return room.Waiting.DistinctBy(w => w.Connection.UserId).Select(w => new WaitingUser(w.Connection.UserId, w.Name)).ToList();
        }
    }

    public IReadOnlyList<string> GetHostConnections(string roomId)
    {
        lock (_gate)
        {
            return _rooms.TryGetValue(roomId, out var room)
                ? room.Members.Values.Where(c => c.IsHost).Select(c => c.Id).ToList()
                : [];
        }
    }

    public string? GetMemberConnection(string roomId, string userId)
    {
        lock (_gate)
        {
            return _rooms.TryGetValue(roomId, out var room) && room.Members.TryGetValue(userId, out var c) ? c.Id : null;
        }
    }

    /// <summary>The users with a connection in the room.</summary>
    public IReadOnlyList<string> GetMemberUserIds(string roomId)
    {
        lock (_gate)
        {
            return _rooms.TryGetValue(roomId, out var room) ? room.Members.Keys.ToList() : [];
        }
    }

    /// <summary>Every connection of this process.</summary>
    public IReadOnlyList<string> ConnectionIds()
    {
        lock (_gate) return [.. _connections.Keys];
    }

    /// <summary>The rooms someone is in or waiting at.</summary>
    public IReadOnlyList<string> RoomIds()
    {
        lock (_gate) return [.. _rooms.Keys];
    }

    /// <summary>True when nobody is in the room or at its door.</summary>
    public bool IsVacant(string roomId)
    {
        lock (_gate) return !_rooms.ContainsKey(roomId);
    }

    /// <summary>Empties a room: everyone in it and everyone waiting loses their place.</summary>
    public ClosedRoom Close(string roomId)
    {
        lock (_gate)
        {
            if (!_rooms.Remove(roomId, out var room))
            {
                return new ClosedRoom([], []);
            }

            var members = room.Members.Values.Select(c => new MemberConnection(c.Id, c.UserId)).ToList();
            var waiting = room.Waiting.Select(w => w.Connection.Id).ToList();
            foreach (var c in room.Members.Values)
            {
                c.RoomId = null;
                c.IsHost = false;
                RecordUnlocked(new MemberLeft(roomId, c.Id, c.UserId) { Closed = c.Closing });
            }

            foreach (var w in room.Waiting)
            {
                w.Connection.RoomId = null;
                w.Connection.IsWaiting = false;
            }

            RecordUnlocked(new RoomVacated(roomId));
            return new ClosedRoom(members, waiting);
        }
    }

    /// <summary>
    /// The room's membership changes since the last call, oldest first, forgetting them. Call under the room's lock,
    /// so that they are applied to the derived stores in the order they happened.
    /// </summary>
    public IReadOnlyList<MembershipChange> TakeChanges(string roomId)
    {
        lock (_gate) return _unprojected.Remove(roomId, out var changes) ? changes : [];
    }

    private Room GetOrAddRoom(string roomId)
    {
        if (!_rooms.TryGetValue(roomId, out var room))
        {
            room = new Room();
            _rooms.Add(roomId, room);
        }

        return room;
    }

    // Removes the connection from wherever it is (member or waiting) and drops the room entry once vacant.
    private void DetachUnlocked(Connection connection)
    {
        if (connection.RoomId is not { } roomId || !_rooms.TryGetValue(roomId, out var room))
        {
            connection.RoomId = null;
            return;
        }

        if (connection.IsWaiting)
        {
            room.Waiting.RemoveAll(w => w.Connection == connection);
        }
        else if (room.Members.TryGetValue(connection.UserId, out var member) && member == connection)
        {
            room.Members.Remove(connection.UserId);
            RecordUnlocked(new MemberLeft(roomId, connection.Id, connection.UserId) { Closed = connection.Closing });
        }

        if (room.Members.Count == 0 && room.Waiting.Count == 0)
        {
            _rooms.Remove(roomId);
            RecordUnlocked(new RoomVacated(roomId));
        }

        connection.RoomId = null;
        connection.IsWaiting = false;
        connection.IsHost = false;
    }

    private void RecordUnlocked(MembershipChange change)
    {
        if (!_unprojected.TryGetValue(change.RoomId, out var changes))
        {
            changes = [];
            _unprojected.Add(change.RoomId, changes);
        }

        changes.Add(change);
    }

    private sealed class Connection(string id, string userId)
    {
        public string Id { get; } = id;

        public string UserId { get; } = userId;

        public string? RoomId { get; set; }

        public bool IsWaiting { get; set; }

        public bool IsHost { get; set; }

        public bool Closing { get; set; }

        /// <summary>A host (or muteOnEntry) muted the mic; with whoCanUnmute "hosts" they may not resume it.</summary>
        public bool MicHeld { get; set; }

        /// <summary>One bit per <see cref="RoomMedia.MediaSource"/> produced since joining.</summary>
        public int EntrySourcesUsed { get; set; }

        public ConnectionInfo Snapshot() => new(Id, UserId, RoomId, IsWaiting, IsHost, MicHeld);
    }

    private sealed record WaitingEntry(Connection Connection, string Name);

    private sealed class Room
    {
        public Dictionary<string, Connection> Members { get; } = new(StringComparer.Ordinal);

        public List<WaitingEntry> Waiting { get; } = [];
    }
}

/// <summary>Where one connection is: in a room, waiting at one, or (RoomId null) nowhere.</summary>
internal sealed record ConnectionInfo(string ConnectionId, string UserId, string? RoomId, bool IsWaiting, bool IsHost, bool MicHeld = false)
{
    public bool IsJoined => RoomId is not null && !IsWaiting;
}

/// <summary>What <see cref="ConnectionRegistry.Count"/> found: connections, rooms with a member, members, waiting connections.</summary>
internal readonly record struct RegistryCounts(int Connections, int ActiveRooms, int Members, int Waiting);

internal sealed record WaitingUser(string UserId, string Name);

internal sealed record MemberConnection(string ConnectionId, string UserId);

internal sealed record ClosedRoom(IReadOnlyList<MemberConnection> Members, IReadOnlyList<string> WaitingConnections);
