using System.Security.Claims;

namespace Parley.Server.Auth;

/// <summary>Claims Parley adds to a signed-in user's principal (bearer token or cookie).</summary>
public static class ParleyClaimTypes
{
    /// <summary>"true" for guests.</summary>
    public const string IsGuest = "parley:is_guest";

    /// <summary>The display name.</summary>
    public const string DisplayName = "parley:name";
}

public static class ClaimsPrincipalExtensions
{
    /// <summary>The signed-in user's id (Identity's NameIdentifier claim), or null when not signed in.</summary>
    public static string? GetUserId(this ClaimsPrincipal principal) =>
        principal.Identity?.IsAuthenticated == true ? principal.FindFirstValue(ClaimTypes.NameIdentifier) : null;

    /// <summary>Whether the token or cookie was issued to a guest.</summary>
    public static bool IsGuest(this ClaimsPrincipal principal) => principal.HasClaim(ParleyClaimTypes.IsGuest, "true");

    /// <summary>The display name the user had when the token or cookie was issued.</summary>
    public static string? GetDisplayName(this ClaimsPrincipal principal) => principal.FindFirstValue(ParleyClaimTypes.DisplayName);
}
