using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Parley.Media.Net;

/// <summary>
/// The remote side of a media path as seen by one local socket: protocol, remote address and port, and the
/// local port. A plain value with no references, so it is a dictionary key and an event argument without
/// allocating. IPv4 addresses are kept IPv4-mapped in IPv6 form so both families compare alike.
/// </summary>
internal readonly struct TransportTuple : IEquatable<TransportTuple>
{
    private const ulong MappedIPv4Prefix = 0x0000_FFFF_0000_0000;

    private readonly ulong _addressHigh;
    private readonly ulong _addressLow;

    private TransportTuple(TransportProtocol protocol, ulong addressHigh, ulong addressLow, ushort remotePort, ushort localPort)
    {
        Protocol = protocol;
        _addressHigh = addressHigh;
        _addressLow = addressLow;
        RemotePort = remotePort;
        LocalPort = localPort;
    }

    /// <summary>UDP or TCP.</summary>
    public TransportProtocol Protocol { get; }

    /// <summary>The remote port.</summary>
    public ushort RemotePort { get; }

    /// <summary>The local port the packet arrived on (distinguishes the shared port from per-transport ports).</summary>
    public ushort LocalPort { get; }

    /// <summary>True when the remote address is IPv4.</summary>
    public bool IsIPv4 => _addressHigh == 0 && (_addressLow & 0xFFFF_FFFF_0000_0000) == MappedIPv4Prefix;

    /// <summary>True when both tuples come from the same remote address, whatever the ports and protocol.</summary>
    public bool HasSameRemoteAddress(in TransportTuple other) => _addressHigh == other._addressHigh && _addressLow == other._addressLow;

    /// <summary>Creates a tuple from a remote endpoint and the local port.</summary>
    public static TransportTuple Create(TransportProtocol protocol, IPEndPoint remote, int localPort)
    {
        ArgumentNullException.ThrowIfNull(remote);
        Span<byte> bytes = stackalloc byte[16];
        var address = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            bytes[..10].Clear();
            bytes[10] = 0xFF;
            bytes[11] = 0xFF;
            address.TryWriteBytes(bytes[12..], out _);
        }
        else
        {
            address.TryWriteBytes(bytes, out _);
        }

        return new TransportTuple(
            protocol,
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            (ushort)remote.Port,
            (ushort)localPort);
    }

    /// <summary>Reads a tuple from a native socket address without allocating (port at offset 2, IPv4 at 4, IPv6 at 8).</summary>
    internal static bool TryCreate(TransportProtocol protocol, SocketAddress address, ushort localPort, out TransportTuple tuple) =>
        TryCreate(protocol, address.Family, address.Buffer.Span[..address.Size], localPort, out tuple);

    /// <summary>Reads a tuple from the bytes of a <c>sockaddr</c> filled in by the kernel (family in host order at 0).</summary>
    internal static bool TryCreate(TransportProtocol protocol, ReadOnlySpan<byte> socketAddress, ushort localPort, out TransportTuple tuple)
    {
        var family = socketAddress.Length >= 2 ? BitConverter.ToUInt16(socketAddress) : 0;
        return TryCreate(protocol, family == LinuxInet6 ? AddressFamily.InterNetworkV6 : family == LinuxInet ? AddressFamily.InterNetwork : AddressFamily.Unknown, socketAddress, localPort, out tuple);
    }

    private const ushort LinuxInet = 2;
    private const ushort LinuxInet6 = 10;

    private static bool TryCreate(TransportProtocol protocol, AddressFamily family, ReadOnlySpan<byte> raw, ushort localPort, out TransportTuple tuple)
    {
        switch (family)
        {
            case AddressFamily.InterNetwork when raw.Length >= 8:
                tuple = new TransportTuple(
                    protocol,
                    0,
                    MappedIPv4Prefix | BinaryPrimitives.ReadUInt32BigEndian(raw[4..]),
                    BinaryPrimitives.ReadUInt16BigEndian(raw[2..]),
                    localPort);
                return true;
            case AddressFamily.InterNetworkV6 when raw.Length >= 24:
                tuple = new TransportTuple(
                    protocol,
                    BinaryPrimitives.ReadUInt64BigEndian(raw[8..]),
                    BinaryPrimitives.ReadUInt64BigEndian(raw[16..]),
                    BinaryPrimitives.ReadUInt16BigEndian(raw[2..]),
                    localPort);
                return true;
            default:
                tuple = default;
                return false;
        }
    }

    /// <summary>Writes the remote side into <paramref name="address"/>, whose family is the sending socket's.</summary>
    internal bool TryWriteTo(SocketAddress address)
    {
        var raw = address.Buffer.Span;
        switch (address.Family)
        {
            case AddressFamily.InterNetwork when IsIPv4:
                BinaryPrimitives.WriteUInt16BigEndian(raw[2..], RemotePort);
                BinaryPrimitives.WriteUInt32BigEndian(raw[4..], (uint)_addressLow);
                return true;
            case AddressFamily.InterNetworkV6:
                BinaryPrimitives.WriteUInt16BigEndian(raw[2..], RemotePort);
                raw.Slice(4, 4).Clear();
                BinaryPrimitives.WriteUInt64BigEndian(raw[8..], _addressHigh);
                BinaryPrimitives.WriteUInt64BigEndian(raw[16..], _addressLow);
                raw.Slice(24, 4).Clear();
                return true;
            default:
                return false;
        }
    }

    /// <summary>Writes the remote address as 4 (IPv4) or 16 bytes, network order; returns how many.</summary>
    internal int WriteAddressBytes(Span<byte> destination)
    {
        if (IsIPv4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)_addressLow);
            return 4;
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _addressHigh);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _addressLow);
        return 16;
    }

    /// <summary>The remote endpoint (allocates; for logs, stats and events).</summary>
    public IPEndPoint ToRemoteEndPoint()
    {
        Span<byte> bytes = stackalloc byte[16];
        var length = WriteAddressBytes(bytes);
        return new IPEndPoint(new IPAddress(bytes[..length]), RemotePort);
    }

    /// <inheritdoc />
    public bool Equals(TransportTuple other) =>
        _addressLow == other._addressLow && _addressHigh == other._addressHigh && RemotePort == other.RemotePort
        && LocalPort == other.LocalPort && Protocol == other.Protocol;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TransportTuple other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_addressHigh, _addressLow, RemotePort, LocalPort, Protocol);

    /// <summary>Equality of all parts.</summary>
    public static bool operator ==(TransportTuple left, TransportTuple right) => left.Equals(right);

    /// <summary>Inequality of any part.</summary>
    public static bool operator !=(TransportTuple left, TransportTuple right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() =>
        $"{(Protocol == TransportProtocol.Udp ? "udp" : "tcp")} {ToRemoteEndPoint()} -> :{LocalPort}";
}
