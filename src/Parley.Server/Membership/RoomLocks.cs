namespace Parley.Server.Membership;

/// <summary>
/// One async lock per room, so that membership changes of a room (joins, leaves, disconnects, admissions)
/// run one at a time and the database, the registry and the events sent agree. Locks of rooms nobody is
/// waiting on are dropped, so the table does not grow with every room ever used.
/// </summary>
internal sealed class RoomLocks
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Waits for the room's lock; dispose the result to release it.</summary>
    public async ValueTask<Releaser> AcquireAsync(string roomId)
    {
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(roomId, out entry!))
            {
                entry = new Entry();
                _entries.Add(roomId, entry);
            }

            entry.References++;
        }

        try
        {
            await entry.Semaphore.WaitAsync().ConfigureAwait(false);
        }
        catch
        {
            Unreference(roomId, entry);
            throw;
        }

        return new Releaser(this, roomId, entry);
    }

    /// <summary>Rooms with a lock held or awaited (for tests: zero once everything is done).</summary>
    public int ActiveCount
    {
        get { lock (_entries) return _entries.Count; }
    }

    private void Release(string roomId, Entry entry)
    {
        entry.Semaphore.Release();
        Unreference(roomId, entry);
    }

    private void Unreference(string roomId, Entry entry)
    {
        lock (_entries)
        {
            if (--entry.References == 0)
            {
                _entries.Remove(roomId);
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int References { get; set; }
    }

    /// <summary>Holds a room's lock until disposed.</summary>
    public readonly struct Releaser(RoomLocks owner, string roomId, object entry) : IDisposable
    {
        public void Dispose() => owner.Release(roomId, (Entry)entry);
    }
}
