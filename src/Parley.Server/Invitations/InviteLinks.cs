using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;

namespace Parley.Server.Invitations;

/// <summary>Invite tokens and the page address that carries one.</summary>
internal static class InviteLinks
{
    /// <summary>The web page's path for an invite: <c>/i/{token}</c>.</summary>
    public const string PagePrefix = "/i/";

    /// <summary>256 random bits, base64url without padding (43 characters): not guessable, safe in a URL and a hub id field.</summary>
    public static string NewToken() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static string Url(string baseUrl, string token) => baseUrl.TrimEnd('/') + PagePrefix + token;

    /// <summary>The server's address as the caller reached it (scheme, host, path base).</summary>
    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";
}
