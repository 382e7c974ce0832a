using Microsoft.EntityFrameworkCore;
using Parley.Data.Entities;

namespace Parley.Data;

/// <summary>The tables of invite links and room members (<c>room_invite</c>, <c>room_member</c>).</summary>
internal static class SharingModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<RoomInvite>(invite =>
        {
            invite.ToTable("room_invite");
            invite.Property(i => i.Token).IsRequired();
            invite.HasIndex(i => i.Token).IsUnique();
            invite.Property(i => i.Uses).HasDefaultValue(0);
            invite.Property(i => i.SkipWaitingRoom).HasDefaultValue(false);
            invite.HasOne<Room>().WithMany().HasForeignKey(i => i.RoomId).OnDelete(DeleteBehavior.Cascade);
            invite.HasOne<ParleyUser>().WithMany().HasForeignKey(i => i.CreatedById).OnDelete(DeleteBehavior.Cascade);
            invite.HasIndex(i => new { i.RoomId, i.CreatedAt });
        });
        builder.Entity<RoomMember>(member =>
        {
            member.ToTable("room_member");
            member.HasKey(m => new { m.RoomId, m.UserId });
            member.HasOne<Room>().WithMany().HasForeignKey(m => m.RoomId).OnDelete(DeleteBehavior.Cascade);
            member.HasOne<ParleyUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
            member.HasIndex(m => m.UserId);
        });
    }
}
