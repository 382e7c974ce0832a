using System.Security.Cryptography;
using System.Text;

namespace Parley.Server.Webhooks;

/// <summary>The <c>Parley-Signature</c> header: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 over "t.body"&gt;</c>.</summary>
internal static class WebhookSignature
{
    public const string HeaderName = "Parley-Signature";

    /// <summary>The header value for <paramref name="body"/> signed at <paramref name="unixSeconds"/>.</summary>
    public static string Create(string secret, long unixSeconds, string body)
    {
        var payload = Encoding.UTF8.GetBytes($"{unixSeconds}.{body}");
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload);
        return $"t={unixSeconds},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>A new secret: 32 random bytes as hex, with a prefix that says what it is.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
