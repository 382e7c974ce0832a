using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Parley.Data.Entities;
using Parley.Server.Rooms;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests;

public abstract class RoomsApiTests(DatabaseFixture fixture)
{
    private static readonly string[] RoomProperties =
        ["id", "name", "joinCode", "ownerId", "requireAccessBeforeJoining", "createdAt", "updatedAt", "coHostIds", "settings"];

    private static readonly string[] RoomUserProperties =
        ["id", "roomId", "userId", "name", "role", "isMicActive", "isCamActive", "isShareScreen", "createdAt", "updatedAt", "handRaisedAt"];

    private ParleyApp App => fixture.App;

    [Fact]
    public async Task Create_then_join_by_code_then_get_by_id_return_the_contract_shapes()
    {
        var owner = await App.SignUpAsync("Olivia");

        var create = await owner.Client.PostAsJsonAsync("/api/rooms/create", new { name = "  Weekly sync  " });
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var created = await create.ReadJsonAsync();
        Api.AssertProperties(created, "room");
        var room = created.GetProperty("room");
        Api.AssertProperties(room, RoomProperties);
        Assert.Equal("Weekly sync", room.GetProperty("name").GetString());
        Assert.Equal(owner.Id, room.GetProperty("ownerId").GetString());
        Assert.False(room.GetProperty("requireAccessBeforeJoining").GetBoolean());
        Assert.EndsWith("Z", room.GetProperty("createdAt").GetString());
        Assert.EndsWith("Z", room.GetProperty("updatedAt").GetString());
        var id = room.GetProperty("id").GetString()!;
        var joinCode = room.GetProperty("joinCode").GetString()!;

        // Another signed-in user finds it by its code, in any case.
        var guest = await App.GuestAsync();
        var join = await guest.Client.GetAsync($"/api/rooms/join/{joinCode.ToLowerInvariant()}");
        Assert.Equal(HttpStatusCode.OK, join.StatusCode);
        var joined = await join.ReadJsonAsync();
        Api.AssertProperties(joined, "room");
        Assert.Equal(room.ToString(), joined.GetProperty("room").ToString());

        var get = await guest.Client.GetAsync($"/api/rooms/{id}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var got = await get.ReadJsonAsync();
        Api.AssertProperties(got, "room", "users");
        Assert.Equal(room.ToString(), got.GetProperty("room").ToString());
        Assert.Equal(JsonValueKind.Array, got.GetProperty("users").ValueKind);
        Assert.Equal(0, got.GetProperty("users").GetArrayLength());
    }

    [Fact]
    public async Task Create_records_the_owner_in_room_users_and_honours_requireAccessBeforeJoining()
    {
        var owner = await App.SignUpAsync();
        var room = await owner.CreateRoomAsync("Private", requireAccessBeforeJoining: true);
        Assert.True(room.GetProperty("requireAccessBeforeJoining").GetBoolean());

        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var stored = await db.Rooms.SingleAsync(r => r.Id == room.GetProperty("id").GetString());
        Assert.Equal([owner.Id], stored.Users);
        Assert.Equal(owner.Id, stored.OwnerId);
    }

    [Fact]
    public async Task Get_by_id_lists_the_users_in_the_room_with_their_names()
    {
        var owner = await App.SignUpAsync("Olivia");
        var guest = await App.GuestAsync("Gus");
        var room = await owner.CreateRoomAsync();
        var roomId = room.GetProperty("id").GetString()!;
        await AddRoomUserAsync(roomId, owner.Id, RoomRoles.Host, mic: true);
        await AddRoomUserAsync(roomId, guest.Id, RoomRoles.Participant, mic: false);

        var got = await (await guest.Client.GetAsync($"/api/rooms/{roomId}")).ReadJsonAsync();
        var users = got.GetProperty("users").EnumerateArray().ToList();
        Assert.Equal(2, users.Count);
        foreach (var user in users)
        {
            Api.AssertProperties(user, RoomUserProperties);
            Assert.Equal(roomId, user.GetProperty("roomId").GetString());
            Assert.EndsWith("Z", user.GetProperty("createdAt").GetString());
        }

        var host = users.Single(u => u.GetProperty("userId").GetString() == owner.Id);
        Assert.Equal("Olivia", host.GetProperty("name").GetString());
        Assert.Equal("host", host.GetProperty("role").GetString());
        Assert.True(host.GetProperty("isMicActive").GetBoolean());
        var participant = users.Single(u => u.GetProperty("userId").GetString() == guest.Id);
        Assert.Equal("Gus", participant.GetProperty("name").GetString());
        Assert.Equal("participant", participant.GetProperty("role").GetString());
        Assert.False(participant.GetProperty("isCamActive").GetBoolean());
    }

    [Fact]
    public async Task List_returns_only_the_callers_rooms_newest_first()
    {
        var owner = await App.SignUpAsync();
        var other = await App.SignUpAsync();
        var first = await owner.CreateRoomAsync("first");
        await other.CreateRoomAsync("not mine");
        await Task.Delay(5);
        var second = await owner.CreateRoomAsync("second");

        var response = await owner.Client.GetAsync("/api/rooms");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Api.AssertProperties(body, "rooms");
        var rooms = body.GetProperty("rooms").EnumerateArray().ToList();
        Assert.Equal(
            new[] { second.GetProperty("id").GetString()!, first.GetProperty("id").GetString()! },
            rooms.Select(r => r.GetProperty("id").GetString()!).ToArray());
        Api.AssertProperties(rooms[0], RoomProperties);

        var guest = await App.GuestAsync();
        var none = await (await guest.Client.GetAsync("/api/rooms")).ReadJsonAsync();
        Assert.Equal(0, none.GetProperty("rooms").GetArrayLength());
    }

    [Fact]
    public async Task Owner_patches_name_and_access_and_others_get_403()
    {
        var owner = await App.SignUpAsync();
        var other = await App.SignUpAsync();
        var room = await owner.CreateRoomAsync("Old name");
        var roomId = room.GetProperty("id").GetString()!;

        var forbidden = await other.Client.PatchAsJsonAsync($"/api/rooms/{roomId}", new { name = "Hijacked" });
        await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
        var guest = await App.GuestAsync();
        await (await guest.Client.PatchAsJsonAsync($"/api/rooms/{roomId}", new { name = "Hijacked" }))
            .AssertProblemAsync(HttpStatusCode.Forbidden);

        await Task.Delay(5);
        var patch = await owner.Client.PatchAsJsonAsync($"/api/rooms/{roomId}", new { name = " New name ", requireAccessBeforeJoining = true });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var patched = (await patch.ReadJsonAsync()).GetProperty("room");
        Api.AssertProperties(patched, RoomProperties);
        Assert.Equal("New name", patched.GetProperty("name").GetString());
        Assert.True(patched.GetProperty("requireAccessBeforeJoining").GetBoolean());
        Assert.Equal(room.GetProperty("joinCode").GetString(), patched.GetProperty("joinCode").GetString());
        Assert.Equal(room.GetProperty("createdAt").GetString(), patched.GetProperty("createdAt").GetString());
        Assert.True(patched.GetProperty("updatedAt").GetDateTime() > room.GetProperty("updatedAt").GetDateTime());

        // Absent fields stay as they are.
        var unchanged = (await (await owner.Client.PatchAsJsonAsync($"/api/rooms/{roomId}", new { })).ReadJsonAsync()).GetProperty("room");
        Assert.Equal(patched.ToString(), unchanged.ToString());

        var stored = (await (await owner.Client.GetAsync($"/api/rooms/{roomId}")).ReadJsonAsync()).GetProperty("room");
        Assert.Equal("New name", stored.GetProperty("name").GetString());
        // Now that the room admits people at the door, someone not let in cannot read it (docs/http-api.md).
        await (await other.Client.GetAsync($"/api/rooms/{roomId}")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Owner_deletes_a_room_its_room_users_go_with_it_and_the_hub_is_told()
    {
        var notifier = new RecordingRoomNotifier();
        await using var app = fixture.CreateApp(services: s => s.AddSingleton<IRoomNotifier>(notifier));
        var owner = await app.SignUpAsync();
        var other = await app.SignUpAsync();
        var room = await owner.CreateRoomAsync();
        var roomId = room.GetProperty("id").GetString()!;
        await AddRoomUserAsync(roomId, owner.Id, RoomRoles.Host, mic: false, app);
        await AddRoomUserAsync(roomId, other.Id, RoomRoles.Participant, mic: false, app);

        await (await other.Client.DeleteAsync($"/api/rooms/{roomId}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Empty(notifier.Closed);

        var delete = await owner.Client.DeleteAsync($"/api/rooms/{roomId}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal([roomId], notifier.Closed);

        await (await owner.Client.GetAsync($"/api/rooms/{roomId}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await owner.Client.GetAsync($"/api/rooms/join/{room.GetProperty("joinCode").GetString()}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await owner.Client.DeleteAsync($"/api/rooms/{roomId}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        Assert.Equal(0, await db.RoomUsers.CountAsync(ru => ru.RoomId == roomId));
    }

    [Fact]
    public async Task Guests_cannot_create_rooms()
    {
        var guest = await App.GuestAsync();
        var response = await guest.Client.PostAsJsonAsync("/api/rooms/create", new { name = "Mine" });
        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("ZZZZZZ")]
    [InlineData("abc")]
    [InlineData("ABCDEFG")]
    [InlineData("O0I1OO")]
    [InlineData("%20%20%20")]
    public async Task Unknown_or_malformed_join_codes_are_404(string code)
    {
        var user = await App.SignUpAsync();
        await (await user.Client.GetAsync($"/api/rooms/join/{code}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unknown_room_ids_are_404_for_get_patch_and_delete()
    {
        var user = await App.SignUpAsync();
        foreach (var id in new[] { IdGenerator.NewId(), "x", new string('a', 500) })
        {
            await (await user.Client.GetAsync($"/api/rooms/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
            await (await user.Client.PatchAsJsonAsync($"/api/rooms/{id}", new { name = "n" })).AssertProblemAsync(HttpStatusCode.NotFound);
            await (await user.Client.DeleteAsync($"/api/rooms/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        }
    }

    [Theory]
    [InlineData("POST", "/api/rooms/create")]
    [InlineData("GET", "/api/rooms/join/ABCDEF")]
    [InlineData("GET", "/api/rooms/someid")]
    [InlineData("GET", "/api/rooms")]
    [InlineData("PATCH", "/api/rooms/someid")]
    [InlineData("DELETE", "/api/rooms/someid")]
    [InlineData("GET", "/api/auth/me")]
    [InlineData("POST", "/api/auth/logout")]
    public async Task Every_protected_endpoint_answers_401_without_a_token(string method, string path)
    {
        var client = App.CreateApiClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PATCH")
        {
            request.Content = JsonContent.Create(new { name = "x" });
        }

        await (await client.SendAsync(request)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        using var garbage = new HttpRequestMessage(new HttpMethod(method), path);
        garbage.Headers.Authorization = new("Bearer", "not-a-token");
        await (await client.SendAsync(garbage)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    private Task AddRoomUserAsync(string roomId, string userId, string role, bool mic) =>
        AddRoomUserAsync(roomId, userId, role, mic, App);

    private static async Task AddRoomUserAsync(string roomId, string userId, string role, bool mic, ParleyApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var now = DateTime.UtcNow;
        db.RoomUsers.Add(new RoomUser { RoomId = roomId, UserId = userId, Role = role, IsMicActive = mic, CreatedAt = now, UpdatedAt = now });
        await db.SaveChangesAsync();
    }

    private sealed class RecordingRoomNotifier : IRoomNotifier
    {
        public List<string> Closed { get; } = [];

        public Task RoomClosedAsync(string roomId, CancellationToken cancellationToken)
        {
            lock (Closed)
            {
                Closed.Add(roomId);
            }

            return Task.CompletedTask;
        }

        public Task RoomUpdatedAsync(RoomDto room, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

public sealed class RoomsApiSqliteTests(SqliteDatabaseFixture fixture) : RoomsApiTests(fixture), IClassFixture<SqliteDatabaseFixture>;

public sealed class RoomsApiPostgresTests(PostgresDatabaseFixture fixture) : RoomsApiTests(fixture), IClassFixture<PostgresDatabaseFixture>;
