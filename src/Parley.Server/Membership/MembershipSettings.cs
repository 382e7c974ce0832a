namespace Parley.Server.Membership;

/// <summary>The <c>Membership</c> configuration section.</summary>
internal sealed class MembershipSettings
{
    public const string SectionName = "Membership";

    /// <summary>
    /// How often the reconciler compares <c>room_user</c> with the live connections and the media (and how soon it
    /// retries after a failure). After a database outage the rows are right again within this period of its end;
    /// the contract asks for 30 s.
    /// </summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a participant whose hub connection closed or went silent keeps their place: the room is told
    /// <c>userConnectionChanged {connected:false}</c> at once and <c>userLeft</c> only when the grace ends without the user
    /// joining again (a reload, or the client's automatic reconnect, comes back well within it). Zero: leave at once.
    /// </summary>
    public TimeSpan ReconnectGrace { get; set; } = TimeSpan.FromSeconds(10);
}
