namespace Parley.Server.Auth;

/// <summary>
/// The operator's view of sign-ins (event ids 3001–3099). Users appear by id only: an email or a display name is
/// personal data that a log shipped elsewhere should not carry, and a failed login for an unknown account logs
/// no address at all (the client address is in the request log when an operator enables it).
/// </summary>
internal static partial class AuthLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "User {UserId} registered")]
    public static partial void Registered(ILogger logger, string userId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "User {UserId} signed in with a {Credential}")]
    public static partial void SignedIn(ILogger logger, string userId, string credential);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Guest {UserId} signed in with a {Credential}")]
    public static partial void GuestSignedIn(ILogger logger, string userId, string credential);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "User {UserId} logged out; every token and cookie issued before now is ended")]
    public static partial void LoggedOut(ILogger logger, string userId);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Failed login: wrong password for user {UserId}")]
    public static partial void WrongPassword(ILogger logger, string userId);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Failed login: no account has that email")]
    public static partial void UnknownAccount(ILogger logger);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Failed login: user {UserId} is locked out after too many wrong passwords")]
    public static partial void LockedOut(ILogger logger, string userId);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "A session cookie of user {UserId} was refused and cleared: the user logged out after it was issued")]
    public static partial void StaleSessionCookie(ILogger logger, string? userId);
}
