using System.Runtime.InteropServices;

namespace Parley.Media.Net;

/// <summary>
/// The few libc calls a worker's own event loop needs on Linux (epoll, eventfd, datagram receive and send), called
/// directly on descriptors so that the runtime's socket engine never registers the media sockets: that engine watches
/// every socket for writability too, and on loopback or a fast link each sent datagram would wake it.
/// </summary>
internal static unsafe partial class LinuxNative
{
    public const int MsgDontWait = 0x40;
    public const int EpollCtlAdd = 1;
    public const int EpollCtlDel = 2;
    public const uint EpollIn = 0x001;
    public const int EpollCloexec = 0x80000;
    public const int EventFdCloexec = 0x80000;
    public const int EventFdNonBlock = 0x800;

    /// <summary>x86-64 packs <c>struct epoll_event</c> (12 bytes); other architectures align its 64-bit data field (16).</summary>
    public static readonly int EpollEventSize =
        RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 ? 12 : 16;

    /// <summary>Where the 64-bit user data sits inside <c>struct epoll_event</c>.</summary>
    public static readonly int EpollEventDataOffset = EpollEventSize == 12 ? 4 : 8;

    [LibraryImport("libc", EntryPoint = "epoll_create1")]
    public static partial int EpollCreate(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl")]
    public static partial int EpollControl(int epoll, int operation, int descriptor, byte* eventData);

    [LibraryImport("libc", EntryPoint = "epoll_wait")]
    public static partial int EpollWait(int epoll, byte* events, int maxEvents, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "eventfd")]
    public static partial int EventFd(uint initialValue, int flags);

    [LibraryImport("libc", EntryPoint = "read")]
    public static partial nint Read(int descriptor, byte* buffer, nuint length);

    [LibraryImport("libc", EntryPoint = "write")]
    public static partial nint Write(int descriptor, byte* buffer, nuint length);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int descriptor);

    [LibraryImport("libc", EntryPoint = "recvfrom")]
    public static partial nint ReceiveFrom(int descriptor, byte* buffer, nuint length, int flags, byte* address, int* addressLength);

    [LibraryImport("libc", EntryPoint = "connect")]
    public static partial int Connect(int descriptor, byte* address, int addressLength);

    [LibraryImport("libc", EntryPoint = "sendto")]
    public static partial nint SendTo(int descriptor, byte* buffer, nuint length, int flags, byte* address, int addressLength);

    /// <summary>Registers or removes <paramref name="descriptor"/> for readability, tagged with <paramref name="key"/>.</summary>
    public static bool EpollControl(int epoll, int operation, int descriptor, ulong key)
    {
        var eventData = stackalloc byte[16];
        new Span<byte>(eventData, 16).Clear();
        *(uint*)eventData = EpollIn;
        *(ulong*)(eventData + EpollEventDataOffset) = key;
        return EpollControl(epoll, operation, descriptor, eventData) == 0;
    }
}
