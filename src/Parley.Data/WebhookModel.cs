using Microsoft.EntityFrameworkCore;
using Parley.Data.Entities;

namespace Parley.Data;

/// <summary>The tables of webhooks and their outbox (<c>webhook</c>, <c>webhook_delivery</c>).</summary>
internal static class WebhookModel
{
    public static void Configure(ModelBuilder builder, string jsonColumnType, string emptyJsonArraySql)
    {
        builder.Entity<Webhook>(webhook =>
        {
            webhook.ToTable("webhook");
            webhook.Property(w => w.Url).IsRequired();
            webhook.Property(w => w.Secret).IsRequired();
            webhook.Property(w => w.Events)
                .HasConversion(UserIdListJson.Converter, UserIdListJson.Comparer)
                .HasColumnType(jsonColumnType)
                .HasDefaultValueSql(emptyJsonArraySql)
                .IsRequired();
            webhook.Property(w => w.ConsecutiveFailures).HasDefaultValue(0);
            webhook.HasOne<ParleyUser>().WithMany().HasForeignKey(w => w.OwnerId).OnDelete(DeleteBehavior.Cascade);
            // A room's own hooks go with the room.
            webhook.HasOne<Room>().WithMany().HasForeignKey(w => w.RoomId).OnDelete(DeleteBehavior.Cascade);
            webhook.HasIndex(w => new { w.OwnerId, w.CreatedAt });
            webhook.HasIndex(w => w.RoomId);
        });
        builder.Entity<WebhookDelivery>(delivery =>
        {
            delivery.ToTable("webhook_delivery");
            delivery.HasKey(d => d.Sequence);
            delivery.Property(d => d.Sequence).ValueGeneratedOnAdd();
            delivery.HasIndex(d => d.Id).IsUnique();
            delivery.Property(d => d.Type).IsRequired();
            delivery.Property(d => d.Body).IsRequired();
            delivery.Property(d => d.Attempts).HasDefaultValue(0);
            // Deleting a webhook deletes its pending deliveries and its log.
            delivery.HasOne(d => d.Webhook).WithMany().HasForeignKey(d => d.WebhookId).OnDelete(DeleteBehavior.Cascade);
            delivery.HasIndex(d => new { d.WebhookId, d.Sequence });
            delivery.HasIndex(d => new { d.DeliveredAt, d.GivenUpAt });
        });
    }
}
