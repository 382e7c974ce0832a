using Microsoft.EntityFrameworkCore;
using Parley.Data.Entities;

namespace Parley.Data;

/// <summary>The table of recordings (<c>recording</c>); its rows go with their room.</summary>
internal static class RecordingModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<Recording>(recording =>
        {
            recording.ToTable("recording");
            recording.Property(r => r.Status).IsRequired();
            recording.Property(r => r.Progress).HasDefaultValue(0);
            recording.HasOne<Room>().WithMany().HasForeignKey(r => r.RoomId).OnDelete(DeleteBehavior.Cascade);
            recording.HasIndex(r => new { r.RoomId, r.StartedAt });
            recording.HasIndex(r => r.Status);
        });
    }
}
