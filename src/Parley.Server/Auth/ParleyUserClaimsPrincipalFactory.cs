using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Parley.Data.Entities;

namespace Parley.Server.Auth;

/// <summary>Adds the display name and the guest flag to Identity's claims.</summary>
internal sealed class ParleyUserClaimsPrincipalFactory(UserManager<ParleyUser> userManager, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<ParleyUser>(userManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ParleyUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(ParleyClaimTypes.DisplayName, user.Name));
        identity.AddClaim(new Claim(ParleyClaimTypes.IsGuest, user.IsGuest ? "true" : "false"));
        return identity;
    }
}
