using System.Data.Common;
using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Parley.Data.Entities;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests;

public abstract class DataModelTests(DatabaseFixture fixture)
{
    [Fact]
    public async Task The_migrations_match_the_model()
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a migration: run dotnet ef migrations add for both contexts.");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Tables_and_columns_are_named_as_the_contract_says()
    {
        _ = fixture.App.Services;
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();

        Assert.Superset(
            new HashSet<string> { "id", "name", "email", "is_guest", "created_at", "updated_at" },
            await ColumnsAsync(connection, "user"));
        Assert.Superset(
            new HashSet<string> { "id", "name", "created_at", "updated_at", "join_code", "require_access_before_joining", "users", "owner_id", "co_host_ids", "settings" },
            await ColumnsAsync(connection, "room"));
        Assert.Equal(
            new HashSet<string> { "id", "room_id", "user_id", "is_mic_active", "is_cam_active", "is_share_screen", "role", "created_at", "updated_at", "hand_raised_at", "node_id" },
            await ColumnsAsync(connection, "room_user"));
    }

    [Fact]
    public async Task Raw_inserts_get_the_schema_defaults()
    {
        var owner = await fixture.App.SignUpAsync();
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var roomId = IdGenerator.NewId();
        var code = new Parley.Server.Rooms.RandomJoinCodeGenerator().NewCode();
        var now = DateTime.UtcNow;
        await db.Database.ExecuteSqlAsync($"INSERT INTO room (id, name, join_code, owner_id, created_at, updated_at) VALUES ({roomId}, {"raw"}, {code}, {owner.Id}, {now}, {now})");
        await db.Database.ExecuteSqlAsync($"INSERT INTO room_user (id, room_id, user_id, created_at, updated_at) VALUES ({IdGenerator.NewId()}, {roomId}, {owner.Id}, {now}, {now})");

        var room = await db.Rooms.AsNoTracking().SingleAsync(r => r.Id == roomId);
        Assert.Empty(room.Users);
        Assert.False(room.RequireAccessBeforeJoining);
        var roomUser = await db.RoomUsers.AsNoTracking().SingleAsync(ru => ru.RoomId == roomId);
        Assert.Equal(RoomRoles.Participant, roomUser.Role);
        Assert.False(roomUser.IsMicActive || roomUser.IsCamActive || roomUser.IsShareScreen);
        Assert.Equal(DateTimeKind.Utc, roomUser.CreatedAt.Kind);
    }

    [Fact]
    public async Task The_same_user_cannot_be_in_a_room_twice()
    {
        var owner = await fixture.App.SignUpAsync();
        var room = await owner.CreateRoomAsync();
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var now = DateTime.UtcNow;
        var roomId = room.GetProperty("id").GetString()!;
        db.RoomUsers.Add(new RoomUser { RoomId = roomId, UserId = owner.Id, CreatedAt = now, UpdatedAt = now });
        db.RoomUsers.Add(new RoomUser { RoomId = roomId, UserId = owner.Id, CreatedAt = now, UpdatedAt = now });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task Deleting_a_user_deletes_their_rooms_and_room_users()
    {
        var owner = await fixture.App.SignUpAsync();
        var visitor = await fixture.App.GuestAsync();
        var room = await owner.CreateRoomAsync();
        var roomId = room.GetProperty("id").GetString()!;
        var otherOwner = await fixture.App.SignUpAsync();
        var otherRoom = await otherOwner.CreateRoomAsync();
        var otherRoomId = otherRoom.GetProperty("id").GetString()!;

        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
            var now = DateTime.UtcNow;
            db.RoomUsers.Add(new RoomUser { RoomId = roomId, UserId = visitor.Id, CreatedAt = now, UpdatedAt = now });
            db.RoomUsers.Add(new RoomUser { RoomId = otherRoomId, UserId = owner.Id, CreatedAt = now, UpdatedAt = now });
            await db.SaveChangesAsync();
        }

        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ParleyUser>>();
            var result = await users.DeleteAsync((await users.FindByIdAsync(owner.Id))!);
            Assert.True(result.Succeeded);
        }

        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
            Assert.False(await db.Rooms.AnyAsync(r => r.Id == roomId));
            Assert.False(await db.RoomUsers.AnyAsync(ru => ru.RoomId == roomId || ru.UserId == owner.Id));
            Assert.True(await db.Rooms.AnyAsync(r => r.Id == otherRoomId));
        }

        // The deleted user's token no longer gets anywhere.
        await (await owner.Client.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await owner.Client.PostAsync("/api/rooms/create", System.Net.Http.Json.JsonContent.Create(new { name = "x" })))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Startup_deletes_room_users_left_by_a_previous_run()
    {
        var owner = await fixture.App.SignUpAsync();
        var room = await owner.CreateRoomAsync();
        var roomId = room.GetProperty("id").GetString()!;
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
            var now = DateTime.UtcNow;
            db.RoomUsers.Add(new RoomUser { RoomId = roomId, UserId = owner.Id, CreatedAt = now, UpdatedAt = now });
            await db.SaveChangesAsync();
            Assert.True(await db.RoomUsers.AnyAsync(ru => ru.RoomId == roomId));
        }

        await using var restarted = fixture.CreateApp();
        await using (var scope = restarted.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
            Assert.False(await db.RoomUsers.AnyAsync());
            Assert.True(await db.Rooms.AnyAsync(r => r.Id == roomId));
        }
    }

    [Fact]
    public async Task Adding_to_room_users_in_place_is_saved()
    {
        var owner = await fixture.App.SignUpAsync();
        var guest = await fixture.App.GuestAsync();
        var roomId = (await owner.CreateRoomAsync()).GetProperty("id").GetString()!;

        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
            var room = await db.Rooms.SingleAsync(r => r.Id == roomId);
            room.Users.Add(guest.Id);
            Assert.Equal(1, await db.SaveChangesAsync());
        }

        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
            Assert.Equal([owner.Id, guest.Id], (await db.Rooms.AsNoTracking().SingleAsync(r => r.Id == roomId)).Users);
        }
    }

    [Fact]
    public async Task The_context_factory_makes_contexts_on_the_configured_provider()
    {
        var owner = await fixture.App.SignUpAsync();
        var factory = fixture.App.Services.GetRequiredService<IDbContextFactory<ParleyDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        Assert.Equal(fixture.Provider == "Postgres", db.Database.IsNpgsql());
        Assert.True(await db.Users.AnyAsync(u => u.Id == owner.Id));
        Assert.Equal(
            fixture.Provider == "Postgres" ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite,
            fixture.App.Services.GetRequiredService<ParleyDatabaseInfo>().Provider);
    }

    private static async Task<HashSet<string>> ColumnsAsync(DbConnection connection, string table)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = connection.GetType().Name.Contains("Npgsql", StringComparison.Ordinal)
            ? $"SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}'"
            : $"SELECT name FROM pragma_table_info('{table}')";
        var columns = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }
}

public sealed class DataModelSqliteTests(SqliteDatabaseFixture fixture) : DataModelTests(fixture), IClassFixture<SqliteDatabaseFixture>;

public sealed class DataModelPostgresTests(PostgresDatabaseFixture fixture) : DataModelTests(fixture), IClassFixture<PostgresDatabaseFixture>;
