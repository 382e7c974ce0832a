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

    [LibraryImport("libc", EntryPoint = "recvmsg")]
    public static partial nint ReceiveMessage(int descriptor, MessageHeader* message, int flags);

    [LibraryImport("libc", EntryPoint = "connect")]
    public static partial int Connect(int descriptor, byte* address, int addressLength);

    [LibraryImport("libc", EntryPoint = "sendto")]
    public static partial nint SendTo(int descriptor, byte* buffer, nuint length, int flags, byte* address, int addressLength);

    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int SendMultipleMessages(int descriptor, MultiMessageHeader* messages, uint count, int flags);

    /// <summary>Whether <see cref="MultiMessageHeader"/> matches this platform's <c>struct mmsghdr</c>: 64-bit Linux.</summary>
    public static bool HasSendMultipleMessages => OperatingSystem.IsLinux() && IntPtr.Size == 8;

    /// <summary>SOL_SOCKET and SO_TIMESTAMPNS (also the control message's type): the kernel stamps each datagram's arrival (CLOCK_REALTIME).</summary>
    public const int SolSocket = 1;
    public const int SoTimestampNs = 35;

    /// <summary>
    /// Whether <see cref="TryReadTimestamp"/> understands this platform's control messages: 64-bit Linux, where a
    /// <c>cmsghdr</c> is 16 bytes and a <c>timespec</c> two 64-bit fields.
    /// </summary>
    public static bool HasArrivalTimestamps => OperatingSystem.IsLinux() && IntPtr.Size == 8
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>Room for one <c>SCM_TIMESTAMPNS</c> control message.</summary>
    public const int TimestampControlBytes = 64;

    /// <summary><c>struct msghdr</c>; sequential layout matches the C one where pointers and <c>size_t</c> are the same width.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MessageHeader
    {
        public byte* Name;
        public int NameLength;
        public IoVector* Vectors;
        public nuint VectorCount;
        public byte* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary><c>struct mmsghdr</c>: a message and, after <c>sendmmsg</c>, the bytes sent of it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MultiMessageHeader
    {
        public MessageHeader Header;
        public uint Length;
    }

    /// <summary><c>struct iovec</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary>The kernel's arrival time of a datagram, in nanoseconds since the Unix epoch, from its control messages; false when absent.</summary>
    public static bool TryReadTimestamp(byte* control, nuint controlLength, out long unixNanoseconds)
    {
        const int headerBytes = 16;
        unixNanoseconds = 0;
        for (nuint offset = 0; offset + headerBytes <= controlLength;)
        {
            var length = *(nuint*)(control + offset);
            if (length < headerBytes || offset + length > controlLength)
            {
                return false;
            }

            if (*(int*)(control + offset + 8) == SolSocket && *(int*)(control + offset + 12) == SoTimestampNs && length >= headerBytes + 16)
            {
                var seconds = *(long*)(control + offset + headerBytes);
                var nanoseconds = *(long*)(control + offset + headerBytes + 8);
                unixNanoseconds = (seconds * 1_000_000_000) + nanoseconds;
                return true;
            }

            offset += (length + 7) & ~(nuint)7;
        }

        return false;
    }

    /// <summary>Now on the clock of the kernel's receive timestamps (CLOCK_REALTIME), in nanoseconds since the Unix epoch.</summary>
    public static long UnixNanosecondsNow() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;

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
