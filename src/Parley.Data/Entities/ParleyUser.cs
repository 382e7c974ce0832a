using Microsoft.AspNetCore.Identity;

namespace Parley.Data.Entities;

/// <summary>A person who can sign in: a registered account, or a guest with no email or password.</summary>
public class ParleyUser : IdentityUser
{
    public ParleyUser()
    {
        Id = IdGenerator.NewId();
        SecurityStamp = Guid.NewGuid().ToString();
    }

    public required string Name { get; set; }

    /// <summary>Guests may join rooms but not create them.</summary>
    public bool IsGuest { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}
