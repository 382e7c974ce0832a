using Microsoft.EntityFrameworkCore;
using Parley.Data.Entities;

namespace Parley.Data;

/// <summary>The table of chat messages (<c>chat_message</c>).</summary>
internal static class ChatModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<ChatMessage>(message =>
        {
            message.ToTable("chat_message");
            message.HasKey(m => m.Sequence);
            message.Property(m => m.Sequence).ValueGeneratedOnAdd();
            message.Property(m => m.Id).IsRequired();
            message.HasIndex(m => m.Id).IsUnique();
            message.Property(m => m.FromUserId).IsRequired();
            message.Property(m => m.FromName).IsRequired();
            message.Property(m => m.Text).IsRequired();
            // The history is kept with the room and goes with it. The users are not foreign keys: a message
            // stays readable (with the name it was sent under) after its sender's guest account is gone.
            message.HasOne<Room>().WithMany().HasForeignKey(m => m.RoomId).OnDelete(DeleteBehavior.Cascade);
            message.HasIndex(m => new { m.RoomId, m.Sequence });
        });
    }
}
