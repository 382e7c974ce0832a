using Parley.Server.Membership;

namespace Parley.Server.Hubs;

/// <summary><c>createRoom</c>'s result.</summary>
internal sealed record RoomIdResult(string RoomId);

/// <summary><c>getUsersInRoom</c>'s result.</summary>
internal sealed record UsersResult(IReadOnlyList<RoomUserView> Users);

/// <summary>The contract's <c>{}</c> result.</summary>
internal sealed record EmptyResult;
