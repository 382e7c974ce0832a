using System.Text.Json;

namespace Parley.Server.Tests.Hubs;

/// <summary>
/// Roles and moderation: each moderation action called by the host (owner), a co-host, a participant and a viewer,
/// allowed for the hosts and refused with a reason for the others; hands, reactions and ending the meeting.
/// </summary>
public abstract class RoomHubModerationTests
{
    private const string HostOnly = "Only the host of this room can do that";

    protected abstract HubServer Server { get; }

    public static TheoryData<string, string> RolesAndActions()
    {
        var data = new TheoryData<string, string>();
        foreach (var role in new[] { "host", "co-host", "participant", "viewer" })
        {
            foreach (var action in new[] { "muteUser", "stopVideo", "muteAll", "askToUnmute", "setRole", "lowerHand", "removeUser", "updateRoom", "endMeeting" })
            {
                data.Add(role, action);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RolesAndActions))]
    public async Task Hosts_may_moderate_and_everyone_else_is_refused(string role, string action)
    {
        await using var room = await MeetingAsync();
        var caller = room.ByRole(role);
        var target = room.Target;
        await target.InvokeAsync("raiseHand", new { });
        object argument = action switch
        {
            "stopVideo" => new { userId = target.UserId, source = "cam" },
            "setRole" => new { userId = target.UserId, role = "viewer" },
            "updateRoom" => new { settings = new { chatEnabled = false } },
            "muteAll" or "endMeeting" => new { },
            _ => new { userId = target.UserId },
        };

        if (role is "participant" or "viewer")
        {
            var refusal = await caller.RefusedAsync(action, argument);
            Assert.Equal(action == "lowerHand" ? "Only hosts can lower someone else's hand" : HostOnly, refusal);
            return;
        }

        await caller.InvokeAsync(action, argument);
        switch (action)
        {
            case "askToUnmute":
                Assert.Equal(caller.UserId, (await target.NextAsync("unmuteRequested")).GetProperty("byUserId").GetString());
                break;
            case "setRole":
                await target.NextAsync("userUpdated", u => u.GetProperty("userId").GetString() == target.UserId && u.GetProperty("role").GetString() == "viewer");
                break;
            case "lowerHand":
                Assert.Equal(target.UserId, (await target.NextAsync("handLowered")).GetProperty("userId").GetString());
                break;
            case "removeUser":
                await target.NextAsync("removed");
                break;
            case "updateRoom":
                // (The co-host's naming came as a roomUpdated before this one.)
                await target.NextAsync("roomUpdated", r => !r.GetProperty("room").GetProperty("settings").GetProperty("chatEnabled").GetBoolean());
                break;
            case "endMeeting":
                Assert.Equal(room.RoomId, (await target.NextAsync("meetingEnded")).GetProperty("roomId").GetString());
                await Server.WaitForRowsAsync(room.RoomId, []);
                break;
        }
    }

    [Theory]
    [InlineData("host", null)]
    [InlineData("co-host", "Only the room's owner can make or unmake co-hosts")]
    public async Task Only_the_owner_names_co_hosts(string role, string? refusal)
    {
        await using var room = await MeetingAsync();
        var caller = room.ByRole(role);
        var argument = new { userId = room.Target.UserId, role = "co-host" };
        if (refusal is not null)
        {
            Assert.Equal(refusal, await caller.RefusedAsync("setRole", argument));
            Assert.Equal(refusal, await caller.RefusedAsync("setRole", new { userId = room.CoHost.UserId, role = "participant" }));
            return;
        }

        var answer = await caller.InvokeAsync("setRole", argument);
        Assert.Equal("co-host", answer.GetProperty("role").GetString());
        var updated = await room.Target.NextAsync("roomUpdated", r => r.GetProperty("room").GetProperty("coHostIds").EnumerateArray().Any(id => id.GetString() == room.Target.UserId));
        Assert.Contains(room.CoHost.UserId, updated.GetProperty("room").GetProperty("coHostIds").EnumerateArray().Select(id => id.GetString()));

        // The new co-host is a host now: they may moderate.
        await room.Target.InvokeAsync("muteUser", new { userId = room.Participant.UserId });
    }

    [Fact]
    public async Task Nobody_changes_the_owners_role_or_removes_the_owner()
    {
        await using var room = await MeetingAsync();
        Assert.StartsWith("The room's owner is always its host", await room.CoHost.RefusedAsync("setRole", new { userId = room.Host.UserId, role = "viewer" }), StringComparison.Ordinal);
        Assert.StartsWith("The room's owner is always its host", await room.CoHost.RefusedAsync("removeUser", new { userId = room.Host.UserId }), StringComparison.Ordinal);
        Assert.Equal("setRole: role must be \"co-host\", \"participant\" or \"viewer\"", await room.Host.RefusedAsync("setRole", new { userId = room.Target.UserId, role = "host" }));
    }

    [Fact]
    public async Task A_viewer_cannot_turn_media_on()
    {
        await using var room = await MeetingAsync();
        Assert.StartsWith("Viewers cannot send audio or video", await room.Viewer.RefusedAsync("updateUser", new { isMicActive = true }), StringComparison.Ordinal);
        var transportId = (await room.Viewer.InvokeAsync("createWebRtcTransport", new { producing = true })).GetProperty("id").GetString()!;
        Assert.StartsWith(
            "Viewers cannot send audio or video",
            await room.Viewer.RefusedAsync("produce", new { transportId, kind = "audio", rtpParameters = MediaTestData.OpusProducer().ToElement(), appData = new { source = "mic" } }),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Muting_pauses_the_mic_and_stopVideo_closes_the_camera_and_nobody_turns_them_back_on_for_someone()
    {
        await using var room = await MeetingAsync();
        var target = room.Target;
        var transportId = (await target.InvokeAsync("createWebRtcTransport", new { producing = true })).GetProperty("id").GetString()!;
        var mic = (await target.InvokeAsync("produce", new { transportId, kind = "audio", rtpParameters = MediaTestData.OpusProducer().ToElement(), appData = new { source = "mic" } })).GetProperty("id").GetString()!;
        var cam = (await target.InvokeAsync("produce", new { transportId, kind = "video", rtpParameters = MediaTestData.H264Producer().ToElement(), appData = new { source = "cam" } })).GetProperty("id").GetString()!;
        await room.Host.NextAsync("userUpdated", u => u.GetProperty("userId").GetString() == target.UserId && u.GetProperty("isCamActive").GetBoolean() && u.GetProperty("isMicActive").GetBoolean());

        await room.CoHost.InvokeAsync("muteUser", new { userId = target.UserId });
        Assert.Equal(mic, (await room.Host.NextAsync("producerPaused")).GetProperty("producerId").GetString());
        await room.Host.NextAsync("userUpdated", u => u.GetProperty("userId").GetString() == target.UserId && !u.GetProperty("isMicActive").GetBoolean());

        await room.Host.InvokeAsync("stopVideo", new { userId = target.UserId, source = "cam" });
        Assert.Equal(cam, (await room.Host.NextAsync("producerClosed")).GetProperty("producerId").GetString());
        await room.Host.NextAsync("userUpdated", u => u.GetProperty("userId").GetString() == target.UserId && !u.GetProperty("isCamActive").GetBoolean());
        Assert.Contains($"{target.UserId}:participant:False:False:False", await Server.RoomRowsAsync(room.RoomId));

        // The person themselves may unmute (whoCanUnmute is "everyone" by default).
        await target.InvokeAsync("resumeProducer", new { producerId = mic });
        await room.Host.NextAsync("userUpdated", u => u.GetProperty("userId").GetString() == target.UserId && u.GetProperty("isMicActive").GetBoolean());

        // muteAll spares the hosts.
        await room.Host.InvokeAsync("muteAll", new { });
        await room.Host.NextAsync("userUpdated", u => u.GetProperty("userId").GetString() == target.UserId && !u.GetProperty("isMicActive").GetBoolean());
    }

    [Fact]
    public async Task Hands_queue_in_order_and_each_lowers_their_own()
    {
        await using var room = await MeetingAsync();
        await room.Participant.InvokeAsync("raiseHand", new { });
        var first = await room.Host.NextAsync("handRaised");
        await room.Target.InvokeAsync("raiseHand", new { });
        var second = await room.Host.NextAsync("handRaised");
        Assert.Equal(room.Participant.UserId, first.GetProperty("userId").GetString());
        Assert.Equal(room.Target.UserId, second.GetProperty("userId").GetString());
        Assert.True(first.GetProperty("raisedAt").GetDateTime() <= second.GetProperty("raisedAt").GetDateTime());

        // Raising again keeps the place in the queue.
        await room.Participant.InvokeAsync("raiseHand", new { });
        var users = (await room.Host.InvokeAsync("getUsersInRoom", new { roomId = room.RoomId })).GetProperty("users").EnumerateArray()
            .Where(u => u.GetProperty("handRaisedAt").ValueKind != JsonValueKind.Null)
            .OrderBy(u => u.GetProperty("handRaisedAt").GetDateTime())
            .Select(u => u.GetProperty("userId").GetString())
            .ToList();
        Assert.Equal([room.Participant.UserId, room.Target.UserId], users);
        Assert.Equal(first.GetProperty("raisedAt").GetDateTime(), (await room.Host.InvokeAsync("getUsersInRoom", new { roomId = room.RoomId })).GetProperty("users").EnumerateArray()
            .Single(u => u.GetProperty("userId").GetString() == room.Participant.UserId).GetProperty("handRaisedAt").GetDateTime());

        Assert.Equal("Only hosts can lower someone else's hand", await room.Participant.RefusedAsync("lowerHand", new { userId = room.Target.UserId }));
        await room.Participant.InvokeAsync("lowerHand", new { });
        Assert.Equal(room.Participant.UserId, (await room.Host.NextAsync("handLowered")).GetProperty("userId").GetString());
    }

    [Fact]
    public async Task Reactions_reach_everyone_and_only_the_ten_are_taken()
    {
        await using var room = await MeetingAsync();
        foreach (var emoji in new[] { "👍", "👎", "👏", "🙌", "🎉", "❤️", "😂", "😮", "🤔", "🙏" })
        {
            await room.Viewer.InvokeAsync("sendReaction", new { emoji });
            var reaction = await room.Participant.NextAsync("reaction");
            Assert.Equal(room.Viewer.UserId, reaction.GetProperty("userId").GetString());
            Assert.Equal(emoji, reaction.GetProperty("emoji").GetString());
        }

        Assert.StartsWith("sendReaction: emoji must be one of", await room.Viewer.RefusedAsync("sendReaction", new { emoji = "🍕" }), StringComparison.Ordinal);
        Assert.StartsWith("sendReaction: emoji must be one of", await room.Viewer.RefusedAsync("sendReaction", new { emoji = "<b>👍</b>" }), StringComparison.Ordinal);
        Assert.Equal("sendReaction: emoji is required (a string)", await room.Viewer.RefusedAsync("sendReaction", new { emoji = 1 }));
    }

    [Fact]
    public async Task Ending_the_meeting_takes_everyone_out_with_reason_ended()
    {
        await using var room = await MeetingAsync();
        await room.CoHost.InvokeAsync("endMeeting", new { });

        foreach (var client in room.All)
        {
            Assert.Equal(room.RoomId, (await client.NextAsync("meetingEnded")).GetProperty("roomId").GetString());
        }

        var left = await room.Host.NextAsync("userLeft");
        Assert.Equal("ended", left.GetProperty("reason").GetString());
        await Server.WaitForRowsAsync(room.RoomId, []);
        Assert.Equal("Join a room first", await room.Participant.RefusedAsync("raiseHand", new { }));

        // The room itself stays: people may meet in it again.
        await room.Participant.JoinAsync(room.RoomId);
    }

    /// <summary>
    /// A meeting with the owner (host), a co-host, a participant, a viewer and a second participant (the target of
    /// moderation), everyone joined and the roles set.
    /// </summary>
    protected async Task<Meeting> MeetingAsync()
    {
        var owner = await Server.RegisterAsync("Owner");
        var roomId = await Server.CreateRoomAsync(owner);
        var host = await Server.ConnectAsync(owner);
        await host.InvokeAsync("createRoom", new { roomId });
        await host.JoinAsync(roomId);
        var others = new List<HubClient>();
        foreach (var name in new[] { "Co-host", "Participant", "Viewer", "Target" })
        {
            var client = await Server.ConnectAsync(await Server.GuestAsync(name));
            await client.JoinAsync(roomId);
            await host.NextAsync("userJoined", u => u.GetProperty("userId").GetString() == client.UserId);
            others.Add(client);
        }

        var meeting = new Meeting(roomId, host, others[0], others[1], others[2], others[3]);
        await host.InvokeAsync("setRole", new { userId = meeting.CoHost.UserId, role = "co-host" });
        await host.InvokeAsync("setRole", new { userId = meeting.Viewer.UserId, role = "viewer" });
        // Everyone has seen both role changes before the test starts.
        foreach (var client in meeting.All)
        {
            await client.NextAsync("userUpdated", u => u.GetProperty("userId").GetString() == meeting.Viewer.UserId && u.GetProperty("role").GetString() == "viewer");
        }

        return meeting;
    }

    protected sealed record Meeting(string RoomId, HubClient Host, HubClient CoHost, HubClient Participant, HubClient Viewer, HubClient Target) : IAsyncDisposable
    {
        public IEnumerable<HubClient> All => [Host, CoHost, Participant, Viewer, Target];

        public HubClient ByRole(string role) => role switch
        {
            "host" => Host,
            "co-host" => CoHost,
            "participant" => Participant,
            _ => Viewer,
        };

        public async ValueTask DisposeAsync()
        {
            foreach (var client in All)
            {
                await client.DisposeAsync();
            }
        }
    }
}

public sealed class RoomHubModerationSqliteTests(SqliteHubServerFixture fixture) : RoomHubModerationTests, IClassFixture<SqliteHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}

public sealed class RoomHubModerationPostgresTests(PostgresHubServerFixture fixture) : RoomHubModerationTests, IClassFixture<PostgresHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}
