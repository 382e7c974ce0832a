using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Parley.Server.Recording;

/// <summary>Who a download link was issued to, for which recording, and until when.</summary>
internal sealed record DownloadGrant(string RecordingId, string UserId, DateTimeOffset ExpiresAt);

/// <summary>
/// Short-lived download links for one recording and one user: the token in the link's query is the pair sealed (encrypted
/// and authenticated) by ASP.NET Core Data Protection with an expiry, so a plain link or a <c>&lt;video&gt;</c> source
/// carries its own credential and no bearer token ends up in a URL. The keys are the ones the bearer tokens use (in the
/// database, so every node reads every node's links).
/// </summary>
internal sealed class RecordingDownloadLinks(IDataProtectionProvider provider, IOptions<RecordingSettings> options, TimeProvider time)
{
    // A purpose of its own: a bearer token or a cookie never unprotects as a link, nor a link as either.
    private readonly ITimeLimitedDataProtector _protector =
        provider.CreateProtector("Parley.Recording.DownloadLink.v1").ToTimeLimitedDataProtector();

    /// <summary>A token for <paramref name="userId"/> to download <paramref name="recordingId"/>, valid for the configured lifetime.</summary>
    public DownloadGrant Issue(string recordingId, string userId, out string token)
    {
        var expiresAt = time.GetUtcNow() + options.Value.DownloadLinkLifetime;
        token = Issue(recordingId, userId, expiresAt);
        return new DownloadGrant(recordingId, userId, expiresAt);
    }

    /// <summary>A token that expires at <paramref name="expiresAt"/>.</summary>
    public string Issue(string recordingId, string userId, DateTimeOffset expiresAt) =>
        _protector.Protect($"{recordingId}\n{userId}", expiresAt);

    /// <summary>What the token grants, or null when it is malformed, forged, or expired.</summary>
    public DownloadGrant? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 1024)
        {
            return null;
        }

        try
        {
            var parts = _protector.Unprotect(token, out var expiresAt).Split('\n');
            return parts.Length == 2 ? new DownloadGrant(parts[0], parts[1], expiresAt) : null;
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }
}
