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
}
