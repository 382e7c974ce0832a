using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Parley.Media.Net;

namespace Parley.Media.Routing;

/// <summary>A socket a worker's event loop reads itself, on its own thread, when the kernel says it is readable.</summary>
internal interface IWorkerReadable
{
    void OnReadable();
}

/// <summary>How a worker thread sleeps until there is work (a queued item, a due timer, a readable socket).</summary>
internal abstract class WorkerWaiter : IDisposable
{
    /// <summary>Creates the epoll-based waiter on Linux (unless <paramref name="portable"/>), else the portable one.</summary>
    public static WorkerWaiter Create(bool portable) =>
        !portable && OperatingSystem.IsLinux() && EpollWorkerWaiter.TryCreate() is { } epoll ? epoll : new EventWorkerWaiter();

    /// <summary>True when sockets can be watched with <see cref="TryWatch"/>.</summary>
    public virtual bool WatchesSockets => false;

    /// <summary>Sleeps up to <paramref name="timeoutMs"/>, less when signalled or a socket is readable; returns how many sockets are.</summary>
    public abstract int Wait(int timeoutMs);

    /// <summary>Reads the sockets the last <see cref="Wait"/> found readable (on the worker thread).</summary>
    public virtual void DispatchReady(int count)
    {
    }

    /// <summary>Wakes the waiting thread (from any thread).</summary>
    public abstract void Signal();

    /// <summary>Starts calling <paramref name="socket"/> back when <paramref name="descriptor"/> is readable.</summary>
    public virtual bool TryWatch(int descriptor, IWorkerReadable socket, out ulong key)
    {
        key = 0;
        return false;
    }

    /// <summary>Stops watching a descriptor before it is closed.</summary>
    public virtual void Unwatch(int descriptor, ulong key)
    {
    }

    public abstract void Dispose();
}

/// <summary>Any platform: an event to sleep on; sockets are read by the runtime and their datagrams queued.</summary>
internal sealed class EventWorkerWaiter : WorkerWaiter
{
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 0);

    public override int Wait(int timeoutMs)
    {
        _wake.Wait(timeoutMs);
        _wake.Reset();
        return 0;
    }

    public override void Signal() => _wake.Set();

    public override void Dispose() => _wake.Dispose();
}

/// <summary>
/// Linux: the worker sleeps in <c>epoll_wait</c> on its own sockets (readability only) and an eventfd that other threads
/// write to wake it, and reads ready sockets itself — the mediasoup/libuv shape: no thread hop between socket and
/// media state, and sending never wakes anything.
/// </summary>
internal sealed unsafe class EpollWorkerWaiter : WorkerWaiter
{
    private const int MaxEvents = 64;
    private const ulong SignalKey = 0;
    private readonly int _epoll;
    private readonly int _signal;
    private readonly byte* _events;
    private readonly ConcurrentDictionary<ulong, IWorkerReadable> _watched = new();
    private readonly Lock _gate = new();
    private long _nextKey;
    private bool _disposed;

    private EpollWorkerWaiter(int epoll, int signal)
    {
        _epoll = epoll;
        _signal = signal;
        _events = (byte*)NativeMemory.AllocZeroed((nuint)(MaxEvents * LinuxNative.EpollEventSize));
    }

    public override bool WatchesSockets => true;

    /// <summary>Descriptors watched now (tests check that closing lets go of every one).</summary>
    public int WatchedCount => _watched.Count;

    public static EpollWorkerWaiter? TryCreate()
    {
        var epoll = LinuxNative.EpollCreate(LinuxNative.EpollCloexec);
        if (epoll < 0)
        {
            return null;
        }

        var signal = LinuxNative.EventFd(0, LinuxNative.EventFdCloexec | LinuxNative.EventFdNonBlock);
        if (signal < 0 || !LinuxNative.EpollControl(epoll, LinuxNative.EpollCtlAdd, signal, SignalKey))
        {
            if (signal >= 0)
            {
                LinuxNative.Close(signal);
            }

            LinuxNative.Close(epoll);
            return null;
        }

        return new EpollWorkerWaiter(epoll, signal);
    }

    public override int Wait(int timeoutMs) => Math.Max(0, LinuxNative.EpollWait(_epoll, _events, MaxEvents, timeoutMs));

    public override void DispatchReady(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var key = *(ulong*)(_events + (i * LinuxNative.EpollEventSize) + LinuxNative.EpollEventDataOffset);
            if (key == SignalKey)
            {
                ulong signals;
                LinuxNative.Read(_signal, (byte*)&signals, sizeof(ulong));
            }
            else if (_watched.TryGetValue(key, out var socket))
            {
                socket.OnReadable();
            }
        }
    }

    public override void Signal()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                ulong one = 1;
                LinuxNative.Write(_signal, (byte*)&one, sizeof(ulong));
            }
        }
    }

    public override bool TryWatch(int descriptor, IWorkerReadable socket, out ulong key)
    {
        key = (ulong)Interlocked.Increment(ref _nextKey);
        _watched[key] = socket;
        if (LinuxNative.EpollControl(_epoll, LinuxNative.EpollCtlAdd, descriptor, key))
        {
            return true;
        }

        _watched.TryRemove(key, out _);
        key = 0;
        return false;
    }

    public override void Unwatch(int descriptor, ulong key)
    {
        LinuxNative.EpollControl(_epoll, LinuxNative.EpollCtlDel, descriptor, key);
        _watched.TryRemove(key, out _);
    }

    public override void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            LinuxNative.Close(_signal);
            LinuxNative.Close(_epoll);
            NativeMemory.Free(_events);
        }
    }
}
