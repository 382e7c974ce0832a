using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Data;

namespace Parley.Server.Auth;

/// <summary>
/// Checks a session cookie's security stamp against the database on every request, so that logout (which
/// changes the stamp) ends every cookie issued before it at once, not at Identity's next periodic check.
/// One primary-key read of one column, without tracking; the cookie is not re-issued.
/// </summary>
/// <remarks>
/// Identity's own <c>SecurityStampValidator</c> is not used: on a stale cookie it also signs out of the
/// two-factor "remember me" scheme, which <c>AddIdentityCore</c> does not register, so every request with such a
/// cookie failed with a 500 instead of a 401.
/// </remarks>
internal static class SessionCookieValidator
{
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var stampClaim = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        var userId = context.Principal?.GetUserId();
        var stamp = context.Principal?.FindFirstValue(stampClaim);
        if (userId is not null && stamp is not null)
        {
            var db = services.GetRequiredService<ParleyDbContext>();
            var current = await db.Users.AsNoTracking()
                .Where(u => u.Id == userId)
                .Select(u => u.SecurityStamp)
                .FirstOrDefaultAsync(context.HttpContext.RequestAborted);
            if (current is not null && string.Equals(current, stamp, StringComparison.Ordinal))
            {
                return;
            }
        }

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
        AuthLog.StaleSessionCookie(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthEndpoints)), userId);
    }
}
