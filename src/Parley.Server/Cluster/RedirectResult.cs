using Parley.Server.Membership;

namespace Parley.Server.Cluster;

/// <summary><c>joinRoom</c>'s answer when another node holds the room: <c>{status:"redirect", url}</c>.</summary>
internal sealed record RedirectResult(string Url) : JoinRoomResult
{
    public override string Status => "redirect";
}
