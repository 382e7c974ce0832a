using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Parley.Data;
using Parley.Data.Entities;

namespace Parley.Server.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>
    /// The default scheme: a policy that forwards to Identity's bearer-token scheme when the request carries
    /// a bearer token (the <c>Authorization</c> header, or <c>?access_token=</c> under <c>/ws</c>), otherwise
    /// to Identity's application (session) cookie.
    /// </summary>
    public const string Scheme = "Parley";

    /// <summary>Requests under this path may carry the access token in the query (WebSockets cannot send headers).</summary>
    public const string HubPath = "/ws";

    /// <summary>
    /// ASP.NET Core Identity over <see cref="ParleyDbContext"/> with bearer tokens and a session cookie, both
    /// answering 401/403 (never a redirect).
    /// </summary>
    public static IServiceCollection AddParleyAuth(this IServiceCollection services)
    {
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Bearer token or session cookie", options =>
                options.ForwardDefaultSelector = context => HasBearerToken(context.Request)
                    ? IdentityConstants.BearerScheme
                    : IdentityConstants.ApplicationScheme)
            .AddBearerToken(IdentityConstants.BearerScheme, options =>
                options.Events.OnMessageReceived = context =>
                {
                    if (context.Request.Path.StartsWithSegments(HubPath)
                        && context.Request.Query.TryGetValue("access_token", out var token)
                        && !string.IsNullOrEmpty(token))
                    {
                        context.Token = token;
                    }

                    return Task.CompletedTask;
                })
            .AddCookie(IdentityConstants.ApplicationScheme, ConfigureSessionCookie);

        services.AddIdentityCore<ParleyUser>(options =>
            {
                // Length over composition rules (NIST SP 800-63B); the page asks for 8 characters too.
                options.Password.RequiredLength = 8;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                // Guests have no email; uniqueness of real emails is the unique index plus the register check.
                options.User.RequireUniqueEmail = false;
                options.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddSignInManager()
            .AddEntityFrameworkStores<ParleyDbContext>()
            .AddClaimsPrincipalFactory<ParleyUserClaimsPrincipalFactory>();

        services.AddAuthorization();
        return services;
    }

    private static bool HasBearerToken(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        || (request.Path.StartsWithSegments(HubPath) && request.Query.ContainsKey("access_token"));

    private static void ConfigureSessionCookie(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = "parley_session";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.SlidingExpiration = true;
        options.ExpireTimeSpan = TimeSpan.FromDays(14);
        options.Events = new CookieAuthenticationEvents
        {
            // An API answers with a status code; the page decides where to go.
            OnRedirectToLogin = context =>
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            },
            OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            },
            OnValidatePrincipal = SessionCookieValidator.ValidatePrincipalAsync,
        };
    }
}
