using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Data;
using Parley.Data.Entities;
using Parley.Server.Http;
using Parley.Server.Rooms;
using Parley.Server.Validation;

namespace Parley.Server.Auth;

/// <summary><c>/api/auth/*</c>: register, login, refresh, guest, me, logout.</summary>
public static class AuthEndpoints
{
    private const int MaxEmailLength = 256;
    private const int MaxPasswordLength = 1024;

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth").ProducesProblem(StatusCodes.Status400BadRequest);
        auth.MapPost("/register", RegisterAsync).RequireRateLimiting(RateLimiting.AuthPolicy)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status429TooManyRequests);
        // The bearer handler writes the token response itself; describe it for the OpenAPI document.
        auth.MapPost("/login", LoginAsync).RequireRateLimiting(RateLimiting.AuthPolicy)
            .Produces<AccessTokenResponse>().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests);
        auth.MapPost("/guest", GuestAsync).RequireRateLimiting(RateLimiting.AuthPolicy)
            .Produces<AccessTokenResponse>().ProducesProblem(StatusCodes.Status429TooManyRequests);
        auth.MapPost("/refresh", RefreshAsync)
            .Produces<AccessTokenResponse>().ProducesProblem(StatusCodes.Status401Unauthorized);
        auth.MapGet("/me", MeAsync).RequireAuthorization();
        auth.MapPost("/logout", LogoutAsync).RequireAuthorization();
        return app;
    }

    private static async Task<Results<Created<RegisterResponse>, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request, UserManager<ParleyUser> users, TimeProvider time, ILoggerFactory loggers)
    {
        var email = request.Email?.Trim();
        if (string.IsNullOrEmpty(email) || email.Length > MaxEmailLength || email.Any(char.IsControl) || !new EmailAddressAttribute().IsValid(email))
        {
            return Problems.BadRequest($"Send \"email\": a valid email address of at most {MaxEmailLength} characters.");
        }

        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > MaxPasswordLength)
        {
            return Problems.BadRequest($"Send \"password\": at least 8 and at most {MaxPasswordLength} characters.");
        }

        var name = NormalizeUserName(request.Name, out var nameError);
        if (name is null)
        {
            return Problems.BadRequest(nameError!);
        }

        if (await users.FindByEmailAsync(email) is not null)
        {
            return EmailTaken(email);
        }

        var now = Timestamps.UtcNow(time);
        var user = new ParleyUser { Name = name, UserName = email, Email = email, CreatedAt = now, UpdatedAt = now };
        IdentityResult result;
        try
        {
            result = await users.CreateAsync(user, request.Password);
        }
        catch (DbUpdateException)
        {
            // Another registration with this email may have won the race to the unique index.
            if (await users.FindByEmailAsync(email) is null)
            {
                throw;
            }

            return EmailTaken(email);
        }

        if (!result.Succeeded)
        {
            if (result.Errors.Any(e => e.Code is "DuplicateUserName" or "DuplicateEmail"))
            {
                return EmailTaken(email);
            }

            return Problems.BadRequest(string.Join(" ", result.Errors.Select(e => e.Description)));
        }

        AuthLog.Registered(Logger(loggers), user.Id);
        return TypedResults.Created("/api/auth/me", new RegisterResponse(new RegisteredUserDto(user.Id, user.Email, user.Name)));
    }

    private static async Task<Results<EmptyHttpResult, NoContent, ProblemHttpResult>> LoginAsync(
        LoginRequest request, bool? useCookies, SignInManager<ParleyUser> signIn, ILoggerFactory loggers)
    {
        var email = request.Email?.Trim();
        if (string.IsNullOrEmpty(email) || string.IsNullOrEmpty(request.Password))
        {
            return Problems.BadRequest("Send \"email\" and \"password\".");
        }

        if (email.Length > MaxEmailLength || email.Any(char.IsControl))
        {
            return Problems.BadRequest($"\"email\" must be an email address of at most {MaxEmailLength} characters.");
        }

        var logger = Logger(loggers);
        var user = await signIn.UserManager.FindByEmailAsync(email);
        if (user is null || user.IsGuest)
        {
            AuthLog.UnknownAccount(logger);
            return BadCredentials();
        }

        var check = await signIn.CheckPasswordSignInAsync(user, request.Password, lockoutOnFailure: true);
        if (check.IsLockedOut)
        {
            AuthLog.LockedOut(logger, user.Id);
            return Problems.Unauthorized("Too many wrong passwords for this account; it is locked for a few minutes. Try again later.");
        }

        if (!check.Succeeded)
        {
            AuthLog.WrongPassword(logger, user.Id);
            return BadCredentials();
        }

        var result = await SignInAsync(signIn, user, useCookies == true);
        AuthLog.SignedIn(logger, user.Id, Credential(useCookies));
        return result;
    }

    private static async Task<Results<EmptyHttpResult, NoContent, ProblemHttpResult>> GuestAsync(
        GuestRequest request, bool? useCookies, SignInManager<ParleyUser> signIn, TimeProvider time, ILoggerFactory loggers)
    {
        var name = NormalizeUserName(request.Name, out var nameError);
        if (name is null)
        {
            return Problems.BadRequest(nameError!);
        }

        var now = Timestamps.UtcNow(time);
        var user = new ParleyUser { Name = name, IsGuest = true, CreatedAt = now, UpdatedAt = now };
        user.UserName = "guest-" + user.Id;
        var result = await signIn.UserManager.CreateAsync(user);
        if (!result.Succeeded)
        {
            return Problems.BadRequest(string.Join(" ", result.Errors.Select(e => e.Description)));
        }

        var signedIn = await SignInAsync(signIn, user, useCookies == true);
        AuthLog.GuestSignedIn(Logger(loggers), user.Id, Credential(useCookies));
        return signedIn;
    }

    private static async Task<Results<SignInHttpResult, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request, SignInManager<ParleyUser> signIn, IOptionsMonitor<BearerTokenOptions> bearerOptions, TimeProvider time)
    {
        if (string.IsNullOrEmpty(request.RefreshToken))
        {
            return Problems.BadRequest("Send \"refreshToken\" from the last login, guest or refresh response.");
        }

        var protector = bearerOptions.Get(IdentityConstants.BearerScheme).RefreshTokenProtector;
        var ticket = protector.Unprotect(request.RefreshToken);
        if (ticket?.Properties.ExpiresUtc is not { } expires
            || time.GetUtcNow() >= expires
            || await signIn.ValidateSecurityStampAsync(ticket.Principal) is not { } user)
        {
            return Problems.Unauthorized("The refresh token is invalid, expired or signed out. Sign in again.");
        }

        var principal = await signIn.CreateUserPrincipalAsync(user);
        return TypedResults.SignIn(principal, authenticationScheme: IdentityConstants.BearerScheme);
    }

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> MeAsync(ClaimsPrincipal principal, UserManager<ParleyUser> users)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null)
        {
            return Problems.Unauthorized("This account no longer exists. Sign in again.");
        }

        return TypedResults.Ok(new MeResponse(new UserDto(user.Id, user.Email, user.Name, user.IsGuest)));
    }

    private static async Task<NoContent> LogoutAsync(HttpContext context, ClaimsPrincipal principal, UserManager<ParleyUser> users, ILoggerFactory loggers)
    {
        if (await users.GetUserAsync(principal) is { } user)
        {
            // A new security stamp invalidates every refresh token and session cookie issued so far.
            await users.UpdateSecurityStampAsync(user);
            AuthLog.LoggedOut(Logger(loggers), user.Id);
        }

        await context.SignOutAsync(IdentityConstants.ApplicationScheme);
        return TypedResults.NoContent();
    }

    private static async Task<Results<EmptyHttpResult, NoContent, ProblemHttpResult>> SignInAsync(
        SignInManager<ParleyUser> signIn, ParleyUser user, bool useCookies)
    {
        if (useCookies)
        {
            signIn.AuthenticationScheme = IdentityConstants.ApplicationScheme;
            await signIn.SignInAsync(user, isPersistent: false);
            return TypedResults.NoContent();
        }

        // The bearer handler writes {tokenType, accessToken, expiresIn, refreshToken} itself.
        signIn.AuthenticationScheme = IdentityConstants.BearerScheme;
        await signIn.SignInAsync(user, isPersistent: false);
        return TypedResults.Empty;
    }

    /// <summary>The display-name rule for people: the same as room names (<see cref="TextInput.NormalizeName"/>).</summary>
    private static string? NormalizeUserName(string? raw, out string? error) =>
        TextInput.NormalizeName(raw, "name", "the name others see", RoomService.MaxNameLength, out error);

    private static string Credential(bool? useCookies) => useCookies == true ? "session cookie" : "bearer token";

    private static ProblemHttpResult EmailTaken(string email) =>
        Problems.Conflict($"An account with the email '{email}' already exists. Sign in instead, or use another email.");

    private static ProblemHttpResult BadCredentials() =>
        Problems.Unauthorized("The email or password is wrong.");

    private static ILogger Logger(ILoggerFactory loggers) => loggers.CreateLogger(typeof(AuthEndpoints));
}
