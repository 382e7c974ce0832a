namespace Parley.Media.Net;

/// <summary>The transport protocol of a <see cref="TransportTuple"/>.</summary>
public enum TransportProtocol : byte
{
    /// <summary>UDP datagrams.</summary>
    Udp,

    /// <summary>TCP with RFC 4571 framing (RFC 6544 passive candidates).</summary>
    Tcp,
}
