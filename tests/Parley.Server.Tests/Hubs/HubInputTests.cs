using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Hubs;

/// <summary>
/// Text and size rules on hub payloads (lone surrogates, invisible names via HTTP, appData, fingerprint algorithms),
/// the door's privacy over HTTP, and refusals logged quietly.
/// </summary>
public abstract class HubInputTests
{
    private const string Lone = "\\ud800";

    /// <summary>The hub's own log category at Debug (the rest stays at Warning).</summary>
    public static readonly IReadOnlyDictionary<string, string> DebugHubLog =
        new Dictionary<string, string> { ["Logging:LogLevel:Parley.Server.Hubs"] = "Debug" };

    protected abstract HubServer Server { get; }

    public static TheoryData<string, string, string> LoneSurrogatePayloads => new()
    {
        { "createRoom", $$$"""{"roomId":"{{{Lone}}}"}""", "roomId" },
        { "joinRoom", $$$"""{"roomId":"abc{{{Lone}}}"}""", "roomId" },
        { "getUsersInRoom", $$$"""{"roomId":"\udc00"}""", "roomId" },
        { "admitUser", $$$"""{"userId":"{{{Lone}}}"}""", "userId" },
        { "leaveRoom", $$$"""{"note":"{{{Lone}}}"}""", "note" },
        { "updateUser", $$$"""{"isMicActive":true,"label":"{{{Lone}}}"}""", "label" },
        { "createWebRtcTransport", $$$"""{"producing":true,"sctpCapabilities":{"x":"{{{Lone}}}"}}""", "sctpCapabilities.x" },
        { "connectTransport", $$$"""{"transportId":"t","dtlsParameters":{"role":"client","fingerprints":[{"algorithm":"sha-256","value":"{{{Lone}}}"}]}}""", "dtlsParameters.fingerprints[0].value" },
        { "produce", $$$"""{"transportId":"t","kind":"audio","rtpParameters":{},"appData":{"source":"mic{{{Lone}}}"}}""", "appData.source" },
        { "produce", $$$"""{"transportId":"t","kind":"au{{{Lone}}}dio","rtpParameters":{},"appData":{"source":"mic"}}""", "kind" },
        { "consume", $$$"""{"transportId":"t","producerId":"p","rtpCapabilities":{"codecs":[{"mimeType":"{{{Lone}}}"}]}}""", "rtpCapabilities.codecs[0].mimeType" },
        { "getStats", $$$"""{"{{{Lone}}}":1}""", "(a property name)" },
        { "setConsumerPreferredLayers", $$$"""{"consumerId":"{{{Lone}}}","spatialLayer":0}""", "consumerId" },
    };

    [Theory]
    [MemberData(nameof(LoneSurrogatePayloads))]
    public async Task A_lone_surrogate_anywhere_is_a_refusal_naming_the_field(string method, string json, string field)
    {
        var user = await Server.RegisterAsync("Surrogate");
        await using var connection = await RawJsonClient.ConnectAsync(Server, user.Token);
        var refusal = await connection.TryInvokeAsync(method, json);
        Assert.NotNull(refusal);
        // The client words every error "An unexpected error occurred invoking ..."; a refusal carries the HubException's reason.
        Assert.Contains("HubException: ", refusal, StringComparison.Ordinal);
        Assert.Contains($"{method}: ", refusal, StringComparison.Ordinal);
        Assert.Contains(field, refusal, StringComparison.Ordinal);
        Assert.Contains("surrogate", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppData_over_1_KiB_is_refused_naming_it_and_fingerprint_algorithms_must_exist()
    {
        var owner = await Server.RegisterAsync("Owner");
        var roomId = await Server.CreateRoomAsync(owner);
        await using var host = await Server.ConnectAsync(owner);
        await host.InvokeAsync("createRoom", new { roomId });
        await host.JoinAsync(roomId);
        var transportId = (await host.InvokeAsync("createWebRtcTransport", new { producing = true, consuming = false })).GetProperty("id").GetString();

        var big = await host.RefusedAsync("produce", new
        {
            transportId, kind = "audio", rtpParameters = MediaTestData.OpusProducer().ToElement(),
            appData = new { source = "mic", padding = new string('x', 60 * 1024) },
        });
        Assert.StartsWith("produce: appData is ", big, StringComparison.Ordinal);
        Assert.Contains("1024", big, StringComparison.Ordinal);
        var small = await host.InvokeAsync("produce", new
        {
            transportId, kind = "audio", rtpParameters = MediaTestData.OpusProducer().ToElement(),
            appData = new { source = "mic", label = new string('x', 900) },
        });
        Assert.False(string.IsNullOrEmpty(small.GetProperty("id").GetString()));

        foreach (var algorithm in new[] { "md5", "sha-3", "SHA256", "" })
        {
            var refusal = await host.RefusedAsync("connectTransport", new
            {
                transportId,
                dtlsParameters = new { role = "client", fingerprints = new[] { new { algorithm, value = "AB:CD" } } },
            });
            Assert.StartsWith("connectTransport: dtlsParameters.fingerprints", refusal, StringComparison.Ordinal);
        }

        var unsupported = await host.RefusedAsync("connectTransport", new
        {
            transportId,
            dtlsParameters = new { role = "client", fingerprints = new[] { new { algorithm = "md5", value = "AB:CD" } } },
        });
        Assert.Contains("\"md5\" is not supported", unsupported, StringComparison.Ordinal);
        Assert.Contains("sha-256", unsupported, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Someone_waiting_at_the_door_cannot_read_the_participant_list_over_http()
    {
        var owner = await Server.RegisterAsync("Owner");
        var guest = await Server.GuestAsync("At the door");
        var roomId = await Server.CreateRoomAsync(owner, requireAccessBeforeJoining: true);
        await using var host = await Server.ConnectAsync(owner);
        await using var visitor = await Server.ConnectAsync(guest);
        await host.InvokeAsync("createRoom", new { roomId });
        await host.JoinAsync(roomId);
        Assert.Equal("waiting", (await visitor.JoinAsync(roomId)).GetProperty("status").GetString());
        await host.NextAsync("joinRequest");

        var refused = await GetRoomAsync(guest, roomId);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.DoesNotContain("users", problem.EnumerateObject().Select(p => p.Name));
        Assert.Equal(HttpStatusCode.OK, (await GetRoomAsync(owner, roomId)).StatusCode);

        await host.InvokeAsync("admitUser", new { userId = guest.UserId });
        await visitor.NextAsync("admitted");
        var admitted = await GetRoomAsync(guest, roomId);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Contains((await admitted.ReadJsonAsync()).GetProperty("users").EnumerateArray(), u => u.GetProperty("userId").GetString() == owner.UserId);
    }

    [Fact]
    public async Task A_refused_call_is_logged_at_debug_without_a_stack_trace()
    {
        var logs = new LogCapture();
        Server.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        var user = await Server.RegisterAsync("Refused");
        await using var client = await Server.ConnectAsync(user);
        var marker = "no-such-room-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal("Room not found", await client.RefusedAsync("joinRoom", new { roomId = marker }));
        Assert.StartsWith("joinRoom: roomId must be a string", await client.RefusedAsync("joinRoom", new { roomId = 5 }));
        // The connection still works, and a later call on it flushes the log of the earlier ones.
        await client.InvokeAsync("leaveRoom", new { });

        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning && e.Exception is not null);
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);
        var refusal = Assert.Single(logs.Entries, e => e.EventId == 3301 && e.Message.Contains("Room not found", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Debug, refusal.Level);
        Assert.Null(refusal.Exception);
        Assert.Contains(logs.Entries, e => e.EventId == 3301 && e.Message.Contains("roomId must be a string", StringComparison.Ordinal));
    }

    private async Task<HttpResponseMessage> GetRoomAsync(TestUser user, string roomId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/rooms/{roomId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        var response = await Server.Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}

/// <summary>A hub server whose hub log is at Debug, so that refusals can be seen where they are logged.</summary>
public sealed class SqliteHubDebugLogFixture() : HubServerFixture(new SqliteDatabaseFixture(), HubInputTests.DebugHubLog);

/// <summary>The same on PostgreSQL.</summary>
public sealed class PostgresHubDebugLogFixture() : HubServerFixture(new PostgresDatabaseFixture(), HubInputTests.DebugHubLog);

public sealed class HubInputSqliteTests(SqliteHubDebugLogFixture fixture) : HubInputTests, IClassFixture<SqliteHubDebugLogFixture>
{
    protected override HubServer Server => fixture.Server;
}

public sealed class HubInputPostgresTests(PostgresHubDebugLogFixture fixture) : HubInputTests, IClassFixture<PostgresHubDebugLogFixture>
{
    protected override HubServer Server => fixture.Server;
}
