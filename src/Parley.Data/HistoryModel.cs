using Microsoft.EntityFrameworkCore;
using Parley.Data.Entities;

namespace Parley.Data;

/// <summary>The tables of room history (<c>meeting_session</c>, <c>attendance</c>).</summary>
internal static class HistoryModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<MeetingSession>(session =>
        {
            session.ToTable("meeting_session");
            // A room's history goes with the room.
            session.HasOne<Room>().WithMany().HasForeignKey(s => s.RoomId).OnDelete(DeleteBehavior.Cascade);
            session.HasIndex(s => new { s.RoomId, s.StartedAt });
            session.HasIndex(s => s.EndedAt);
        });
        builder.Entity<Attendance>(attendance =>
        {
            attendance.ToTable("attendance");
            attendance.HasOne<MeetingSession>().WithMany().HasForeignKey(a => a.SessionId).OnDelete(DeleteBehavior.Cascade);
            attendance.HasOne<ParleyUser>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
            attendance.HasIndex(a => new { a.SessionId, a.UserId });
            attendance.HasIndex(a => new { a.UserId, a.JoinedAt });
        });
    }
}
