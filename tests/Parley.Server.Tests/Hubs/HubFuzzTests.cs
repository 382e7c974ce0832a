using Parley.Server.Tests.Infrastructure;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Membership;

namespace Parley.Server.Tests.Hubs;

/// <summary>
/// Random JSON shapes (seeded, a few hundred calls) for every hub method, from a host in a room and a guest at its
/// door. Every call either succeeds or is refused with a reason (never the generic "unexpected error"); afterwards
/// the connections still work and the database agrees with the connection registry.
/// </summary>
public abstract class HubFuzzTests
{
    private const int CallsPerMethod = 14;

    /// <summary>Every method of the hub with the fields the contract gives it.</summary>
    private static readonly (string Method, string[] Fields)[] Methods =
    [
        ("createRoom", ["roomId"]), ("joinRoom", ["roomId"]), ("leaveRoom", []),
        ("updateUser", ["isMicActive", "isCamActive", "isShareScreen"]), ("getUsersInRoom", ["roomId"]),
        ("admitUser", ["userId"]), ("denyUser", ["userId"]), ("removeUser", ["userId"]),
        ("getRouterRtpCapabilities", []), ("createWebRtcTransport", ["producing", "consuming", "sctpCapabilities"]),
        ("connectTransport", ["transportId", "dtlsParameters"]), ("restartIce", ["transportId"]),
        ("produce", ["transportId", "kind", "rtpParameters", "appData"]), ("pauseProducer", ["producerId"]),
        ("resumeProducer", ["producerId"]), ("closeProducer", ["producerId"]),
        ("consume", ["transportId", "producerId", "rtpCapabilities"]), ("resumeConsumer", ["consumerId"]),
        ("pauseConsumer", ["consumerId"]), ("requestKeyFrame", ["consumerId"]),
        ("setConsumerPreferredLayers", ["consumerId", "spatialLayer", "temporalLayer"]),
        ("getStats", ["transportId", "producerId", "consumerId"]),
        ("updateRoom", ["name", "requireAccessBeforeJoining", "settings"]), ("setRole", ["userId", "role"]),
        ("muteUser", ["userId"]), ("stopVideo", ["userId", "source"]), ("muteAll", []), ("askToUnmute", ["userId"]),
        ("raiseHand", []), ("lowerHand", ["userId"]), ("sendReaction", ["emoji"]),
        ("sendMessage", ["text", "toUserId"]), ("getMessages", ["before", "limit"]), ("deleteMessage", ["messageId"]),
        ("startRecording", []), ("stopRecording", []),
        // Last: it takes everyone out of the room (the test joins again afterwards).
        ("endMeeting", []),
    ];

    protected abstract HubServer Server { get; }

    [Fact]
    public void The_fuzzer_covers_every_hub_method()
    {
        var hubMethods = typeof(Program).Assembly.GetType("Parley.Server.Hubs.RoomHub")!
            .GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.Name is not ("OnConnectedAsync" or "OnDisconnectedAsync"))
            .Select(m => char.ToLowerInvariant(m.Name[0]) + m.Name[1..])
            .Order(StringComparer.Ordinal);
        Assert.Equal(hubMethods, Methods.Select(m => m.Method).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Random_payloads_for_every_method_get_an_answer_or_a_reason_and_leave_everything_consistent()
    {
        var owner = await Server.RegisterAsync("Fuzz host");
        var guest = await Server.GuestAsync("Fuzz guest");
        var roomId = await Server.CreateRoomAsync(owner, requireAccessBeforeJoining: true);
        await using var host = await RawJsonClient.ConnectAsync(Server, owner.Token);
        await using var visitor = await RawJsonClient.ConnectAsync(Server, guest.Token);
        await host.InvokeAsync<JsonElement>("createRoom", new { roomId });
        await host.InvokeAsync<JsonElement>("joinRoom", new { roomId });
        await visitor.InvokeAsync<JsonElement>("joinRoom", new { roomId });
        var transportId = (await host.InvokeAsync<JsonElement>("createWebRtcTransport", new { producing = true })).GetProperty("id").GetString()!;

        var known = new[] { roomId, owner.UserId, guest.UserId, transportId };
        var random = new Random(20261205);
        var generator = new JsonShapes(random, known);
        var refusals = 0;
        foreach (var (method, fields) in Methods)
        {
            for (var i = 0; i < CallsPerMethod; i++)
            {
                var caller = random.Next(3) == 0 ? visitor : host;
                var json = generator.Argument(fields);
                var refusal = await caller.TryInvokeAsync(method, json);
                if (refusal is not null)
                {
                    refusals++;
                    // The client words every error "An unexpected error occurred invoking ..."; only a refusal carries a reason.
                    Assert.True(
                        refusal.Contains("HubException: ", StringComparison.Ordinal),
                        $"{method}({json}) got the generic error: {refusal}");
                }

                Assert.Equal(HubConnectionState.Connected, caller.State);
            }
        }

        Assert.True(refusals > Methods.Length, "The fuzzer should mostly send bad input.");

        // Both connections still answer normal calls.
        await host.InvokeAsync<JsonElement>("leaveRoom", new { });
        await host.InvokeAsync<JsonElement>("joinRoom", new { roomId });
        var users = await host.InvokeAsync<JsonElement>("getUsersInRoom", new { roomId });
        Assert.Contains(users.GetProperty("users").EnumerateArray(), u => u.GetProperty("userId").GetString() == owner.UserId);
        await visitor.InvokeAsync<JsonElement>("leaveRoom", new { });

        // The database says who is in each room exactly as the registry does.
        var registry = Server.Services.GetRequiredService<ConnectionRegistry>();
        var rows = await Server.QueryAsync(db => db.RoomUsers.AsNoTracking().Where(r => r.RoomId == roomId).Select(r => r.UserId).ToListAsync());
        Assert.Equal(registry.GetMemberUserIds(roomId).Order(StringComparer.Ordinal), rows.Order(StringComparer.Ordinal));
        Assert.Equal([owner.UserId], rows);
        Assert.Equal(HubConnectionState.Connected, visitor.State);
    }

    /// <summary>Random JSON text, bounded in depth and size, favouring the shapes that reach deep into the checks.</summary>
    private sealed class JsonShapes(Random random, string[] known)
    {
        private static readonly string[] Strings =
        [
            "", " ", "\\ud800", "\\udc00x", "a\\u0000b", "\\u200b", "\\ufeff", "mic", "cam", "audio", "video", "sha-256", "md5",
            "client", "server", "auto", "../../etc", "null", "🙂", "x\\ny", "DROP TABLE rooms;", "00000000-0000-0000-0000-000000000000",
        ];

        public string Argument(string[] fields)
        {
            var pick = random.Next(10);
            if (pick == 0)
            {
                return Value(0);
            }

            var builder = new StringBuilder("{");
            var first = true;
            foreach (var field in fields.Concat(random.Next(4) == 0 ? ["extra"] : []))
            {
                if (random.Next(5) == 0)
                {
                    continue;
                }

                builder.Append(first ? "" : ",").Append('"').Append(field).Append("\":").Append(Value(1));
                first = false;
            }

            return builder.Append('}').ToString();
        }

        private string Value(int depth) => (depth >= 4 ? random.Next(7) : random.Next(10)) switch
        {
            0 => "null",
            1 => random.Next(2) == 0 ? "true" : "false",
            2 => random.Next(4) switch
            {
                0 => "-1",
                1 => "1e308",
                2 => random.Next(0, 20).ToString(CultureInfo.InvariantCulture),
                _ => "0.5",
            },
            3 or 4 => Quote(Strings[random.Next(Strings.Length)]),
            5 or 6 => Quote(known[random.Next(known.Length)]),
            7 => Quote(new string('x', random.Next(1, 2000))),
            8 => "[" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => Value(depth + 1))) + "]",
            _ => "{" + string.Join(",", Enumerable.Range(0, random.Next(5)).Select(i => $"\"{FieldName(i)}\":{Value(depth + 1)}")) + "}",
        };

        private string FieldName(int index) =>
            random.Next(3) == 0
                ? new[] { "source", "role", "fingerprints", "algorithm", "value", "codecs", "mimeType", "encodings", "\\ud800", "locked", "maxParticipants", "maxVideoHeight", "defaultRole" }[random.Next(13)]
                : "f" + index.ToString(CultureInfo.InvariantCulture);

        private static string Quote(string text) => "\"" + text + "\"";
    }
}

/// <summary>The fuzzer calls every method many times in a row: a burst above the rate limiter's default.</summary>
internal static class FuzzSettings
{
    public static readonly IReadOnlyDictionary<string, string> LargeBurst = new Dictionary<string, string> { ["Hub:RateLimit:Burst"] = "5000" };
}

public sealed class SqliteFuzzHubServerFixture() : HubServerFixture(new SqliteDatabaseFixture(), FuzzSettings.LargeBurst);

public sealed class PostgresFuzzHubServerFixture() : HubServerFixture(new PostgresDatabaseFixture(), FuzzSettings.LargeBurst);

public sealed class HubFuzzSqliteTests(SqliteFuzzHubServerFixture fixture) : HubFuzzTests, IClassFixture<SqliteFuzzHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}

public sealed class HubFuzzPostgresTests(PostgresFuzzHubServerFixture fixture) : HubFuzzTests, IClassFixture<PostgresFuzzHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}
