using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.RoomMedia;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Hubs;

/// <summary>
/// Room settings: read and checked over HTTP and the hub, enforced by the server, and applied live (a change made
/// during the meeting reaches everyone as <c>roomUpdated</c> and holds for the next call).
/// </summary>
public abstract class RoomHubSettingsTests
{
    protected abstract HubServer Server { get; }

    [Fact]
    public async Task A_new_room_has_the_contracts_defaults_and_create_takes_settings()
    {
        var owner = await Server.RegisterAsync("Owner");
        var created = await SendAsync(owner, HttpMethod.Post, "/api/rooms/create", new { name = "Defaults" });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var settings = created.Body.GetProperty("room").GetProperty("settings");
        Assert.Equal(
            """{"locked":false,"muteOnEntry":false,"camOffOnEntry":false,"whoCanShareScreen":"everyone","whoCanUnmute":"everyone","chatEnabled":true,"videoEnabled":true,"maxParticipants":null,"maxVideoHeight":null,"defaultRole":"participant"}""",
            settings.GetRawText());
        Assert.Empty(created.Body.GetProperty("room").GetProperty("coHostIds").EnumerateArray());

        var custom = await SendAsync(owner, HttpMethod.Post, "/api/rooms/create", new { name = "Custom", settings = new { maxParticipants = 5, maxVideoHeight = 360, defaultRole = "viewer" } });
        var room = custom.Body.GetProperty("room");
        Assert.Equal(5, room.GetProperty("settings").GetProperty("maxParticipants").GetInt32());
        var read = await SendAsync(owner, HttpMethod.Get, $"/api/rooms/{room.GetProperty("id").GetString()}", null);
        Assert.Equal(room.GetProperty("settings").GetRawText(), read.Body.GetProperty("room").GetProperty("settings").GetRawText());
    }

    [Theory]
    [InlineData("""{"maxVideoHeight":500}""", "settings.maxVideoHeight")]
    [InlineData("""{"maxParticipants":0}""", "settings.maxParticipants")]
    [InlineData("""{"maxParticipants":"5"}""", "settings.maxParticipants")]
    [InlineData("""{"whoCanShareScreen":"nobody"}""", "settings.whoCanShareScreen")]
    [InlineData("""{"defaultRole":"host"}""", "settings.defaultRole")]
    [InlineData("""{"locked":"yes"}""", "settings.locked")]
    [InlineData("""{"lockd":true}""", "settings.lockd is not a setting")]
    [InlineData("""[]""", "settings must be an object")]
    public async Task Bad_settings_are_400_naming_the_field_over_HTTP_and_refused_by_the_hub(string settings, string named)
    {
        var owner = await Server.RegisterAsync("Owner");
        var roomId = await Server.CreateRoomAsync(owner);
        var body = JsonDocument.Parse($$"""{"settings":{{settings}}}""").RootElement;

        var patched = await SendAsync(owner, HttpMethod.Patch, $"/api/rooms/{roomId}", body);
        Assert.Equal(HttpStatusCode.BadRequest, patched.Status);
        Assert.Contains(named, patched.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var created = await SendAsync(owner, HttpMethod.Post, "/api/rooms/create", JsonDocument.Parse($$"""{"name":"x","settings":{{settings}}}""").RootElement);
        Assert.Equal(HttpStatusCode.BadRequest, created.Status);

        await using var host = await Server.ConnectAsync(owner);
        await host.JoinAsync(roomId);
        Assert.Contains(named, await host.RefusedAsync("updateRoom", body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hosts_change_settings_over_HTTP_and_the_hub_and_everyone_hears_roomUpdated()
    {
        var owner = await Server.RegisterAsync("Owner");
        var (roomId, host, visitor, guest) = await Server.TwoInARoomAsync(owner);
        await using (host)
        await using (visitor)
        {
            var patched = await SendAsync(owner, HttpMethod.Patch, $"/api/rooms/{roomId}", new { settings = new { muteOnEntry = true } });
            Assert.Equal(HttpStatusCode.OK, patched.Status);
            foreach (var client in new[] { host, visitor })
            {
                var updated = await client.NextAsync("roomUpdated");
                Assert.True(updated.GetProperty("room").GetProperty("settings").GetProperty("muteOnEntry").GetBoolean());
            }

            // A partial change leaves the rest as it was.
            var answer = await host.InvokeAsync("updateRoom", new { name = "  Renamed  ", settings = new { whoCanUnmute = "hosts" } });
            var room = answer.GetProperty("room");
            Assert.Equal("Renamed", room.GetProperty("name").GetString());
            Assert.True(room.GetProperty("settings").GetProperty("muteOnEntry").GetBoolean());
            Assert.Equal("hosts", (await visitor.NextAsync("roomUpdated")).GetProperty("room").GetProperty("settings").GetProperty("whoCanUnmute").GetString());

            // Others may not, over either.
            var refused = await SendAsync(guest, HttpMethod.Patch, $"/api/rooms/{roomId}", new { settings = new { locked = true } });
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
            Assert.Equal("Only the host of this room can do that", await visitor.RefusedAsync("updateRoom", new { settings = new { locked = true } }));

            // A co-host may.
            await host.InvokeAsync("setRole", new { userId = guest.UserId, role = "co-host" });
            var byCoHost = await SendAsync(guest, HttpMethod.Patch, $"/api/rooms/{roomId}", new { settings = new { chatEnabled = false } });
            Assert.Equal(HttpStatusCode.OK, byCoHost.Status);
            await host.NextAsync("roomUpdated", r => !r.GetProperty("room").GetProperty("settings").GetProperty("chatEnabled").GetBoolean());
        }
    }

    [Fact]
    public async Task A_locked_room_refuses_everyone_but_the_hosts_even_at_the_door()
    {
        var owner = await Server.RegisterAsync("Owner");
        var roomId = await Server.CreateRoomAsync(owner, requireAccessBeforeJoining: true);
        await using var host = await Server.ConnectAsync(owner);
        await host.JoinAsync(roomId);
        await host.InvokeAsync("updateRoom", new { settings = new { locked = true } });

        await using var stranger = await Server.ConnectAsync(await Server.GuestAsync("Stranger"));
        Assert.Equal("Room is locked", await stranger.RefusedAsync("joinRoom", new { roomId }));
        Assert.False(host.TryTake("joinRequest", out _));

        // Applied live: unlocked, the next join goes to the door as usual.
        await host.InvokeAsync("updateRoom", new { settings = new { locked = false } });
        Assert.Equal("waiting", (await stranger.JoinAsync(roomId)).GetProperty("status").GetString());

        // The owner gets in while it is locked.
        await host.InvokeAsync("updateRoom", new { settings = new { locked = true } });
        await host.InvokeAsync("leaveRoom", new { });
        Assert.Equal("joined", (await host.JoinAsync(roomId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_full_room_refuses_newcomers_but_not_hosts()
    {
        var owner = await Server.RegisterAsync("Owner");
        var roomId = await Server.CreateRoomAsync(owner);
        await using var host = await Server.ConnectAsync(owner);
        await host.JoinAsync(roomId);
        var coHostUser = await Server.GuestAsync("Co-host");
        await using var coHost = await Server.ConnectAsync(coHostUser);
        await coHost.JoinAsync(roomId);
        await host.InvokeAsync("setRole", new { userId = coHostUser.UserId, role = "co-host" });
        await host.InvokeAsync("updateRoom", new { settings = new { maxParticipants = 2 } });

        await using var third = await Server.ConnectAsync(await Server.GuestAsync("Third"));
        Assert.Equal("Room is full", await third.RefusedAsync("joinRoom", new { roomId }));

        // Hosts count, and still get in.
        await coHost.InvokeAsync("leaveRoom", new { });
        await third.JoinAsync(roomId);
        Assert.Equal("joined", (await coHost.JoinAsync(roomId)).GetProperty("status").GetString());
        Assert.Equal(3, (await Server.RoomRowsAsync(roomId)).Count);
    }

    [Fact]
    public async Task The_default_role_applies_to_whoever_joins_next()
    {
        var (roomId, host, visitor, _) = await Server.TwoInARoomAsync();
        await using (host)
        await using (visitor)
        {
            await host.InvokeAsync("updateRoom", new { settings = new { defaultRole = "viewer" } });
            await using var late = await Server.ConnectAsync(await Server.GuestAsync("Late"));
            var joined = await late.JoinAsync(roomId);
            Assert.Equal("viewer", joined.GetProperty("self").GetProperty("role").GetString());
            Assert.Equal("host", joined.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("userId").GetString() == host.UserId).GetProperty("role").GetString());
            Assert.StartsWith("Viewers cannot send", await late.RefusedAsync("updateUser", new { isCamActive = true }), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Video_off_screen_for_hosts_and_mute_on_entry_are_enforced_on_produce()
    {
        var (roomId, host, visitor, _) = await Server.TwoInARoomAsync();
        await using (host)
        await using (visitor)
        {
            var transportId = (await visitor.InvokeAsync("createWebRtcTransport", new { producing = true })).GetProperty("id").GetString()!;
            await host.InvokeAsync("updateRoom", new { settings = new { videoEnabled = false, whoCanShareScreen = "hosts", muteOnEntry = true, whoCanUnmute = "hosts" } });
            await visitor.NextAsync("roomUpdated");

            Assert.Equal("Video is turned off in this room", await visitor.RefusedAsync("produce", Produce(transportId, "video", MediaTestData.H264Producer(), "cam")));
            await host.InvokeAsync("updateRoom", new { settings = new { videoEnabled = true } });
            Assert.Equal("Only hosts can share their screen in this room", await visitor.RefusedAsync("produce", Produce(transportId, "video", MediaTestData.H264Producer(), "screen")));

            // muteOnEntry: the first mic starts paused, and with whoCanUnmute "hosts" the participant cannot resume it.
            var mic = (await visitor.InvokeAsync("produce", Produce(transportId, "audio", MediaTestData.OpusProducer(), "mic"))).GetProperty("id").GetString()!;
            Assert.True((await host.NextAsync("newProducer")).GetProperty("paused").GetBoolean());
            Assert.Contains($"{visitor.UserId}:participant:False:False:False", await Server.RoomRowsAsync(roomId));
            Assert.StartsWith("A host muted you", await visitor.RefusedAsync("resumeProducer", new { producerId = mic }), StringComparison.Ordinal);
            Assert.StartsWith("A host muted you", await visitor.RefusedAsync("updateUser", new { isMicActive = true }), StringComparison.Ordinal);

            // Asked to unmute, they may.
            await host.InvokeAsync("askToUnmute", new { userId = visitor.UserId });
            await visitor.NextAsync("unmuteRequested");
            await visitor.InvokeAsync("resumeProducer", new { producerId = mic });
            await host.NextAsync("userUpdated", u => u.GetProperty("userId").GetString() == visitor.UserId && u.GetProperty("isMicActive").GetBoolean());

            // A camera already sent stops when the room turns audio-only during the meeting.
            var cam = (await visitor.InvokeAsync("produce", Produce(transportId, "video", MediaTestData.H264Producer(), "cam"))).GetProperty("id").GetString()!;
            await host.InvokeAsync("updateRoom", new { settings = new { videoEnabled = false } });
            Assert.Equal(cam, (await host.NextAsync("producerClosed")).GetProperty("producerId").GetString());
        }
    }

    [Fact]
    public async Task Cameras_off_on_entry_pauses_a_participants_first_camera_only()
    {
        var (roomId, host, visitor, _) = await Server.TwoInARoomAsync();
        await using (host)
        await using (visitor)
        {
            await host.InvokeAsync("updateRoom", new { settings = new { camOffOnEntry = true } });
            var transportId = (await visitor.InvokeAsync("createWebRtcTransport", new { producing = true })).GetProperty("id").GetString()!;
            var cam = (await visitor.InvokeAsync("produce", Produce(transportId, "video", MediaTestData.H264Producer(), "cam"))).GetProperty("id").GetString()!;
            Assert.True((await host.NextAsync("newProducer")).GetProperty("paused").GetBoolean());
            Assert.Contains($"{visitor.UserId}:participant:False:False:False", await Server.RoomRowsAsync(roomId));

            // Not held like a muted mic: they turn it on themselves, and a second camera is not "on entry".
            await visitor.InvokeAsync("resumeProducer", new { producerId = cam });
            await host.NextAsync("userUpdated", u => u.GetProperty("userId").GetString() == visitor.UserId && u.GetProperty("isCamActive").GetBoolean());
            await visitor.InvokeAsync("closeProducer", new { producerId = cam });
            await visitor.InvokeAsync("produce", Produce(transportId, "video", MediaTestData.H264Producer(), "cam"));
            Assert.False((await host.NextAsync("newProducer")).GetProperty("paused").GetBoolean());

            // The host's own camera is not paused.
            var hostTransport = (await host.InvokeAsync("createWebRtcTransport", new { producing = true })).GetProperty("id").GetString()!;
            await host.InvokeAsync("produce", Produce(hostTransport, "video", MediaTestData.H264Producer(), "cam"));
            Assert.False((await visitor.NextAsync("newProducer")).GetProperty("paused").GetBoolean());
        }
    }

    [Fact]
    public async Task The_max_video_height_caps_every_simulcast_consumer_at_consume_and_live()
    {
        var (roomId, host, visitor, _) = await Server.TwoInARoomAsync();
        await using (host)
        await using (visitor)
        {
            // 720p camera in three layers (scaleResolutionDownBy 4, 2, 1): 180, 360 and 720 lines.
            await host.InvokeAsync("updateRoom", new { settings = new { maxVideoHeight = 360 } });
            var sendId = (await visitor.InvokeAsync("createWebRtcTransport", new { producing = true })).GetProperty("id").GetString()!;
            var camId = (await visitor.InvokeAsync("produce", Produce(sendId, "video", MediaTestData.Vp8SimulcastProducer(), "cam"))).GetProperty("id").GetString()!;
            var recvId = (await host.InvokeAsync("createWebRtcTransport", new { consuming = true })).GetProperty("id").GetString()!;
            var consumerId = (await host.InvokeAsync("consume", new { transportId = recvId, producerId = camId, rtpCapabilities = MediaTestData.DeviceCapabilities().ToElement() }))
                .GetProperty("id").GetString();
            var consumer = Server.Services.GetRequiredService<MediaRooms>().FindRoom(roomId)!.Peers.Values
                .SelectMany(p => p.Consumers.Values).Single(c => c.Consumer.Id == consumerId).Consumer;
            Assert.Equal(1, consumer.PreferredLayers!.Value.SpatialLayer);

            // The client cannot ask past the cap; its wish is kept for when the cap goes.
            await host.InvokeAsync("setConsumerPreferredLayers", new { consumerId, spatialLayer = 2 });
            Assert.Equal(1, consumer.PreferredLayers!.Value.SpatialLayer);
            await host.InvokeAsync("updateRoom", new { settings = new { maxVideoHeight = (int?)null } });
            Assert.Equal(2, consumer.PreferredLayers!.Value.SpatialLayer);
            await host.InvokeAsync("updateRoom", new { settings = new { maxVideoHeight = 180 } });
            Assert.Equal(0, consumer.PreferredLayers!.Value.SpatialLayer);
        }
    }

    [Fact]
    public async Task A_new_join_code_replaces_the_old_one()
    {
        var owner = await Server.RegisterAsync("Owner");
        var created = await SendAsync(owner, HttpMethod.Post, "/api/rooms/create", new { name = "Codes" });
        var room = created.Body.GetProperty("room");
        var roomId = room.GetProperty("id").GetString()!;
        var oldCode = room.GetProperty("joinCode").GetString()!;

        var renewed = await SendAsync(owner, HttpMethod.Post, $"/api/rooms/{roomId}/join-code", null);
        Assert.Equal(HttpStatusCode.OK, renewed.Status);
        var newCode = renewed.Body.GetProperty("room").GetProperty("joinCode").GetString()!;
        Assert.NotEqual(oldCode, newCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(owner, HttpMethod.Get, $"/api/rooms/join/{oldCode}", null)).Status);
        Assert.Equal(roomId, (await SendAsync(owner, HttpMethod.Get, $"/api/rooms/join/{newCode}", null)).Body.GetProperty("room").GetProperty("id").GetString());

        var other = await Server.RegisterAsync("Other");
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(other, HttpMethod.Post, $"/api/rooms/{roomId}/join-code", null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(owner, HttpMethod.Post, "/api/rooms/nosuchroomnosuchroomnosuch/join-code", null)).Status);
    }

    private static object Produce(string transportId, string kind, System.Text.Json.Nodes.JsonNode rtpParameters, string source) =>
        new { transportId, kind, rtpParameters = rtpParameters.ToElement(), appData = new { source } };

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(TestUser user, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await Server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}

public sealed class RoomHubSettingsSqliteTests(SqliteHubServerFixture fixture) : RoomHubSettingsTests, IClassFixture<SqliteHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}

public sealed class RoomHubSettingsPostgresTests(PostgresHubServerFixture fixture) : RoomHubSettingsTests, IClassFixture<PostgresHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}
