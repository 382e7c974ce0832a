using System.Net;
using System.Net.Sockets;
using Parley.Media.Routing;
using Parley.Media.Transports;

namespace Parley.Media.Net;

/// <summary>
/// A worker's outgoing datagrams to one UDP socket, held in the batch's own buffers and sent together with one
/// <c>sendmmsg</c> (Linux): the copies a WebRtcTransport fans out on the shared port go to the kernel in one system
/// call instead of one <c>sendto</c> each. A sender protects its datagram straight into <see cref="Reserve"/>'s slot and
/// <see cref="Commit"/>s it; the worker flushes at the end of each datagram it handles and before it sleeps, so
/// nothing waits longer than the fan-out it belongs to. Worker thread only: no lock, nothing allocated after
/// construction. A datagram the kernel refuses is counted, per datagram, where a refused <c>sendto</c> is counted.
/// </summary>
internal sealed unsafe class UdpSendBatch
{
    /// <summary>Datagrams per system call at most; a longer fan-out is sent in several.</summary>
    public const int Capacity = 64;

    private const int SlotBytes = PacketBufferPool.BufferLength;

    /// <summary>Room for a <c>sockaddr_in6</c> (28 bytes), rounded up.</summary>
    private const int AddressBytes = 32;

    private readonly byte[] _buffers = GC.AllocateUninitializedArray<byte>(Capacity * SlotBytes, pinned: true);
    private readonly byte[] _addresses = GC.AllocateArray<byte>(Capacity * AddressBytes, pinned: true);
    private readonly LinuxNative.IoVector[] _vectors = GC.AllocateArray<LinuxNative.IoVector>(Capacity, pinned: true);
    private readonly LinuxNative.MultiMessageHeader[] _messages = GC.AllocateArray<LinuxNative.MultiMessageHeader>(Capacity, pinned: true);
    private readonly TransportCounters?[] _owners = new TransportCounters?[Capacity];
    private readonly SocketAddress _addressV4 = new(AddressFamily.InterNetwork);
    private readonly SocketAddress _addressV6 = new(AddressFamily.InterNetworkV6);
    private UdpSocketListener? _socket;
    private int _count;

    public UdpSendBatch()
    {
        fixed (byte* buffers = _buffers)
        fixed (byte* addresses = _addresses)
        fixed (LinuxNative.IoVector* vectors = _vectors)
        {
            for (var i = 0; i < Capacity; i++)
            {
                _vectors[i].Base = buffers + (i * SlotBytes);
                _messages[i].Header.Name = addresses + (i * AddressBytes);
                _messages[i].Header.Vectors = vectors + i;
                _messages[i].Header.VectorCount = 1;
            }
        }
    }

    /// <summary>Whether this platform can batch (64-bit Linux); elsewhere workers send one datagram per call.</summary>
    public static bool IsSupported => LinuxNative.HasSendMultipleMessages;

    /// <summary>Datagrams committed and not yet flushed.</summary>
    public int Count => _count;

    /// <summary>
    /// The buffer for the next datagram to <paramref name="socket"/>: write (and protect) it there, then
    /// <see cref="Commit"/> it. What is batched for another socket, or a full batch, is flushed first.
    /// </summary>
    public Span<byte> Reserve(UdpSocketListener socket)
    {
        if (_count == Capacity || (_count > 0 && _socket != socket))
        {
            Flush();
        }

        _socket = socket;
        return _buffers.AsSpan(_count * SlotBytes, SlotBytes);
    }

    /// <summary>
    /// Queues the <paramref name="length"/> bytes written into the last <see cref="Reserve"/>d buffer for
    /// <paramref name="to"/>; a refused send is counted in <paramref name="owner"/>'s <see cref="RtpDropReason.SendFailed"/>.
    /// False (counted) when the address cannot be written for the socket's family.
    /// </summary>
    public bool Commit(int length, in TransportTuple to, TransportCounters owner)
    {
        var address = _socket!.AddressFamily == AddressFamily.InterNetworkV6 ? _addressV6 : _addressV4;
        if (!to.TryWriteTo(address))
        {
            _socket.CountSendFailed();
            return false;
        }

        address.Buffer.Span[..address.Size].CopyTo(_addresses.AsSpan(_count * AddressBytes, AddressBytes));
        _messages[_count].Header.NameLength = address.Size;
        _vectors[_count].Length = (nuint)length;
        _owners[_count] = owner;
        _count++;
        return true;
    }

    /// <summary>Sends what is batched: one <c>sendmmsg</c>, and one more past each datagram the kernel refused (counted).</summary>
    public void Flush()
    {
        if (_count == 0)
        {
            return;
        }

        var socket = _socket!;
        fixed (LinuxNative.MultiMessageHeader* messages = _messages)
        {
            var next = 0;
            while (next < _count)
            {
                var remaining = _count - next;
                var sent = socket.SendMany(messages + next, remaining);
                for (var i = 0; i < sent; i++)
                {
                    socket.CountSent((int)_vectors[next + i].Length);
                }

                if (sent == remaining)
                {
                    break;
                }

                // sendmmsg stops at the first datagram it cannot send (-1 when that is the first): that one is dropped
                // and counted, as a refused sendto is, and the rest go in the next call.
                next += Math.Max(sent, 0);
                socket.CountSendFailed();
                _owners[next]!.OnDropped(RtpDropReason.SendFailed);
                next++;
            }
        }

        Array.Clear(_owners, 0, _count);
        _count = 0;
    }
}
