using System.Net;
using System.Net.Sockets;

namespace Parley.Server.Webhooks;

/// <summary>
/// Which addresses a webhook may reach: not loopback, private (RFC 1918, fc00::/7), link-local or unspecified ones
/// unless <see cref="WebhookSettings.AllowPrivateAddresses"/>. A webhook must not become a way into the server's own network.
/// </summary>
internal static class WebhookAddresses
{
    /// <summary>True for 127/8, 10/8, 172.16/12, 192.168/16, 169.254/16, 0/8, ::1, ::, fc00::/7, fe80::/10 (IPv4-mapped included).</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return b[0] is 0 or 10 or 127
                || (b[0] == 172 && (b[1] & 0xF0) == 16)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254);
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Span<byte> b = stackalloc byte[16];
            address.TryWriteBytes(b, out _);
            return IPAddress.IPv6Loopback.Equals(address)
                || IPAddress.IPv6Any.Equals(address)
                || (b[0] & 0xFE) == 0xFC
                || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80);
        }

        return true;
    }

    /// <summary>
    /// The addresses of <paramref name="host"/> that may be reached: all of them when private ones are allowed,
    /// else the public ones (an empty list means none may).
    /// </summary>
    public static async Task<IReadOnlyList<IPAddress>> ResolveAllowedAsync(string host, bool allowPrivate, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        return allowPrivate ? addresses : addresses.Where(a => !IsPrivate(a)).ToList();
    }
}
