using Parley.Server.Membership;
using Parley.Server.Rooms;

namespace Parley.Server.Hubs;

/// <summary><c>createRoom</c>'s result.</summary>
internal sealed record RoomIdResult(string RoomId);

/// <summary><c>getUsersInRoom</c>'s result.</summary>
internal sealed record UsersResult(IReadOnlyList<RoomUserDto> Users);

/// <summary>The contract's <c>{}</c> result.</summary>
internal sealed record EmptyResult;
