namespace Parley.Server.Auth;

/// <summary>Body of <c>POST /api/auth/register</c>.</summary>
public sealed record RegisterRequest(string? Email, string? Password, string? Name);

/// <summary>Body of <c>POST /api/auth/login</c>.</summary>
public sealed record LoginRequest(string? Email, string? Password);

/// <summary>Body of <c>POST /api/auth/refresh</c>.</summary>
public sealed record RefreshRequest(string? RefreshToken);

/// <summary>Body of <c>POST /api/auth/guest</c>.</summary>
public sealed record GuestRequest(string? Name);

/// <summary><c>{id, email, name}</c>, returned by register.</summary>
public sealed record RegisteredUserDto(string Id, string? Email, string Name);

/// <summary><c>{user:{id, email, name}}</c></summary>
public sealed record RegisterResponse(RegisteredUserDto User);

/// <summary><c>{id, email, name, isGuest}</c>, returned by me.</summary>
public sealed record UserDto(string Id, string? Email, string Name, bool IsGuest);

/// <summary><c>{user:{id, email, name, isGuest}}</c></summary>
public sealed record MeResponse(UserDto User);
