using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Parley.Data.Entities;

namespace Parley.Data;

/// <summary>
/// The Parley database: Identity's users (table <c>user</c>), rooms, who is in a room right now, and the
/// data-protection key ring. Each provider has its own subclass (<see cref="SqliteParleyDbContext"/>,
/// <see cref="PostgresParleyDbContext"/>) that owns that provider's migrations; the application resolves
/// this base type.
/// </summary>
public abstract class ParleyDbContext : IdentityDbContext<ParleyUser, IdentityRole, string>, IDataProtectionKeyContext
{
    protected ParleyDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<Room> Rooms => Set<Room>();

    public DbSet<RoomUser> RoomUsers => Set<RoomUser>();

    public DbSet<Webhook> Webhooks => Set<Webhook>();

    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    public DbSet<ChatMessage> ChatMessages => Set<ChatMessage>();
    public DbSet<Recording> Recordings => Set<Recording>();
    public DbSet<MeetingSession> MeetingSessions => Set<MeetingSession>();

    public DbSet<Attendance> Attendances => Set<Attendance>();

    public DbSet<RoomTemplate> RoomTemplates => Set<RoomTemplate>();

    public DbSet<RoomInvite> RoomInvites => Set<RoomInvite>();

    public DbSet<RoomMember> RoomMembers => Set<RoomMember>();

    public DbSet<DataProtectionKey> DataProtectionKeys { get; set; } = null!;

    /// <summary>The column type that holds <see cref="Room.Users"/> (a JSON array of user ids).</summary>
    protected abstract string JsonColumnType { get; }

    /// <summary>The SQL default of <see cref="Room.Users"/>: an empty JSON array.</summary>
    protected abstract string EmptyJsonArraySql { get; }

    /// <summary>The SQL default of <see cref="Room.Settings"/>: an empty JSON object (every setting at its default).</summary>
    protected abstract string EmptyJsonObjectSql { get; }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<ParleyUser>(user =>
        {
            user.ToTable("user");
            user.Property(u => u.Name).IsRequired();
            user.Property(u => u.IsGuest).HasDefaultValue(false);
            user.HasIndex(u => u.Email).IsUnique();
            // Identity names its indexes in PascalCase; keep every name snake_case.
            user.HasIndex(u => u.NormalizedEmail).HasDatabaseName("ix_user_normalized_email").IsUnique();
            user.HasIndex(u => u.NormalizedUserName).HasDatabaseName("ix_user_normalized_user_name");
        });
        builder.Entity<IdentityRole>(role =>
        {
            role.ToTable("role");
            role.HasIndex(r => r.NormalizedName).HasDatabaseName("ix_role_normalized_name");
        });
        builder.Entity<IdentityRoleClaim<string>>().ToTable("role_claim");
        builder.Entity<IdentityUserClaim<string>>().ToTable("user_claim");
        builder.Entity<IdentityUserLogin<string>>().ToTable("user_login");
        builder.Entity<IdentityUserRole<string>>().ToTable("user_role");
        builder.Entity<IdentityUserToken<string>>().ToTable("user_token");

        builder.Entity<Room>(ConfigureRoom);
        builder.Entity<RoomUser>(ConfigureRoomUser);
        ConfigureRolesAndSettings(builder);
        ConfigureNodeOwnership(builder);
        WebhookModel.Configure(builder, JsonColumnType, EmptyJsonArraySql);
        ChatModel.Configure(builder);
        RecordingModel.Configure(builder);
        HistoryModel.Configure(builder);
        ConfigureTemplates(builder);
        SharingModel.Configure(builder);
    }

    /// <summary>Co-hosts, room settings and raised hands (the RolesAndSettings migration).</summary>
    private void ConfigureRolesAndSettings(ModelBuilder builder)
    {
        builder.Entity<Room>(room =>
        {
            room.Property(r => r.CoHostIds)
                .HasConversion(UserIdListJson.Converter, UserIdListJson.Comparer)
                .HasColumnType(JsonColumnType)
                .HasDefaultValueSql(EmptyJsonArraySql)
                .IsRequired();
            room.Property(r => r.Settings)
                .HasConversion(RoomSettingsJson.Converter, RoomSettingsJson.Comparer)
                .HasColumnType(JsonColumnType)
                .HasDefaultValueSql(EmptyJsonObjectSql)
                .IsRequired();
        });
    }

    /// <summary>Which node holds each <c>room_user</c> row's connection (the NodeOwnership migration).</summary>
    private static void ConfigureNodeOwnership(ModelBuilder builder)
    {
        builder.Entity<RoomUser>(roomUser =>
        {
            roomUser.Property(ru => ru.NodeId).IsRequired().HasDefaultValue(string.Empty);
            roomUser.HasIndex(ru => ru.NodeId);
        });
    }

    /// <summary>Users' room templates (the Templates migration).</summary>
    private void ConfigureTemplates(ModelBuilder builder)
    {
        builder.Entity<RoomTemplate>(template =>
        {
            template.ToTable("room_template");
            template.Property(t => t.Name).IsRequired();
            template.Property(t => t.RequireAccessBeforeJoining).HasDefaultValue(false);
            template.Property(t => t.Settings)
                .HasConversion(RoomSettingsJson.Converter, RoomSettingsJson.Comparer)
                .HasColumnType(JsonColumnType)
                .HasDefaultValueSql(EmptyJsonObjectSql)
                .IsRequired();
            template.HasOne<ParleyUser>().WithMany().HasForeignKey(t => t.OwnerId).OnDelete(DeleteBehavior.Cascade);
            template.HasIndex(t => new { t.OwnerId, t.CreatedAt });
        });
    }

    private void ConfigureRoom(EntityTypeBuilder<Room> room)
    {
        room.ToTable("room");
        room.Property(r => r.Name).IsRequired();
        room.Property(r => r.JoinCode).IsRequired();
        room.HasIndex(r => r.JoinCode).IsUnique();
        room.Property(r => r.RequireAccessBeforeJoining).HasDefaultValue(false);
        room.Property(r => r.Users)
            .HasConversion(UserIdListJson.Converter, UserIdListJson.Comparer)
            .HasColumnType(JsonColumnType)
            .HasDefaultValueSql(EmptyJsonArraySql)
            .IsRequired();
        room.HasOne<ParleyUser>()
            .WithMany()
            .HasForeignKey(r => r.OwnerId)
            .OnDelete(DeleteBehavior.Cascade);
        room.HasIndex(r => new { r.OwnerId, r.CreatedAt });
    }

    private static void ConfigureRoomUser(EntityTypeBuilder<RoomUser> roomUser)
    {
        roomUser.ToTable("room_user");
        roomUser.HasIndex(ru => new { ru.RoomId, ru.UserId }).IsUnique();
        roomUser.HasIndex(ru => ru.UserId);
        roomUser.Property(ru => ru.IsMicActive).HasDefaultValue(false);
        roomUser.Property(ru => ru.IsCamActive).HasDefaultValue(false);
        roomUser.Property(ru => ru.IsShareScreen).HasDefaultValue(false);
        roomUser.Property(ru => ru.Role).IsRequired().HasDefaultValue(RoomRoles.Participant);
        roomUser.HasOne(ru => ru.Room)
            .WithMany()
            .HasForeignKey(ru => ru.RoomId)
            .OnDelete(DeleteBehavior.Cascade);
        roomUser.HasOne(ru => ru.User)
            .WithMany()
            .HasForeignKey(ru => ru.UserId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary><see cref="Room.Settings"/> as a JSON object in one column (camelCase, the contract's names).</summary>
internal static class RoomSettingsJson
{
    private static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web);

    public static readonly ValueConverter<RoomSettings, string> Converter = new(
        settings => System.Text.Json.JsonSerializer.Serialize(settings, Options),
        json => System.Text.Json.JsonSerializer.Deserialize<RoomSettings>(json, Options) ?? new RoomSettings());

    public static readonly ValueComparer<RoomSettings> Comparer = new(
        (a, b) => Equals(a, b),
        settings => settings.GetHashCode(),
        settings => settings); // immutable: the instance itself is a snapshot
}

/// <summary><see cref="Room.Users"/> as a JSON array in one column.</summary>
internal static class UserIdListJson
{
    public static readonly ValueConverter<List<string>, string> Converter = new(
        ids => System.Text.Json.JsonSerializer.Serialize(ids, (System.Text.Json.JsonSerializerOptions?)null),
        json => System.Text.Json.JsonSerializer.Deserialize<List<string>>(json, (System.Text.Json.JsonSerializerOptions?)null) ?? new List<string>());

    public static readonly ValueComparer<List<string>> Comparer = new(
        (a, b) => (a == null && b == null) || (a != null && b != null && a.SequenceEqual(b)),
        ids => ids.Aggregate(0, (hash, id) => HashCode.Combine(hash, id.GetHashCode(StringComparison.Ordinal))),
        ids => ids.ToList());
}
