using Parley.Server.Membership;

namespace Parley.Server.Invitations;

internal static class InvitationServiceCollectionExtensions
{
    /// <summary>Invite links and members, and the seam through which they let people past the waiting room.</summary>
    public static IServiceCollection AddParleyInvitations(this IServiceCollection services)
    {
        services.AddScoped<InviteService>();
        services.AddScoped<IJoinAdmission, JoinAdmission>();
        return services;
    }
}
