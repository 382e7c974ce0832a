using Microsoft.AspNetCore.SignalR;

namespace Parley.Server.Membership;

/// <summary>The refusals the hub gives; each message says why, in words a person can act on.</summary>
internal static class HubErrors
{
    public static HubException RoomNotFound() => new("Room not found");

    public static HubException UserNotFound() => new("User not found");

    public static HubException NotInRoom() => new("Join a room first");

    public static HubException NotMember() => new("Not a member of this room");

    public static HubException HostOnly() => new("Only the host of this room can do that");

    public static HubException NotConnected() => new("This connection is not signed in");
}
