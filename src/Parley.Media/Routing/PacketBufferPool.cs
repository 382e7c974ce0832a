using System.Collections.Concurrent;

namespace Parley.Media.Routing;

/// <summary>
/// Fixed-size datagram buffers shared between socket receive loops (which rent) and the worker (which returns). A
/// queue rather than <c>ArrayPool.Shared</c>, whose per-thread caches suit renting and returning on the same thread.
/// </summary>
internal sealed class PacketBufferPool
{
    /// <summary>Large enough for any datagram on an Ethernet path, with room for an RTX or SRTP tail.</summary>
    public const int BufferLength = 2048;

    private readonly ConcurrentQueue<byte[]> _free = new();
    private long _outstanding;

    /// <summary>Buffers rented and not yet returned (0 when nothing leaks).</summary>
    public long Outstanding => Interlocked.Read(ref _outstanding);

    public byte[] Rent()
    {
        Interlocked.Increment(ref _outstanding);
        return _free.TryDequeue(out var buffer) ? buffer : GC.AllocateUninitializedArray<byte>(BufferLength, pinned: true);
    }

    public void Return(byte[] buffer)
    {
        Interlocked.Decrement(ref _outstanding);
        if (_free.Count < 4096)
        {
            _free.Enqueue(buffer);
        }
    }
}
