using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Parley.Server.Membership;

namespace Parley.Server.Tests.Hubs;

/// <summary>
/// The real server on Kestrel at 127.0.0.1 (a free port), so hub clients use real WebSockets, with a short
/// client timeout so that a vanished client is noticed within seconds.
/// </summary>
public sealed class HubServer : WebApplicationFactory<Program>
{
    public static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(3);

    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly string _recordingPath = Path.Combine(Path.GetTempPath(), "parley-test-recordings", Guid.NewGuid().ToString("N"));
    private int _names;

    public HubServer(IReadOnlyDictionary<string, string> settings)
    {
        _settings = settings;
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        Http = new HttpClient { BaseAddress = BaseAddress };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // An ephemeral media port (tests run servers side by side) and a short router grace period; tests may override.
        builder.UseSetting("Media:Port", "0");
        builder.UseSetting("Media:RouterIdleTimeout", "00:00:01");
        builder.UseSetting("Media:WorkerCount", "1");
        // Recordings (the fuzzer starts some) go to a folder of the test's own, never under the content root.
        builder.UseSetting("Recording:Path", _recordingPath);
        // Tests (the fuzzer above all) call fast from one connection; the per-connection limit has a test of its own,
        // which sets it back down.
        builder.UseSetting("Hub:RateLimit:Burst", "100000");
        builder.UseSetting("Hub:RateLimit:PermitsPerSecond", "100000");
        // A closed connection leaves at once, as the tests written before the reconnect grace expect; the grace has
        // tests of their own, which set it.
        builder.UseSetting("Membership:ReconnectGrace", "00:00:00");
        builder.UseEnvironment("Testing");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Every test signs people in from one address; the per-address limits have tests of their own.
        builder.UseSetting("RateLimits:Auth:PermitLimit", "100000");
        builder.UseSetting("RateLimits:JoinCode:PermitLimit", "100000");
        builder.UseSetting("Hub:KeepAliveInterval", "00:00:01");
        builder.UseSetting("Hub:ClientTimeout", ClientTimeout.ToString());
        // The fixture's own settings have the last word.
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Registers an account and signs in; returns its id and access token.</summary>
    public async Task<TestUser> RegisterAsync(string name)
    {
        var email = $"user{Interlocked.Increment(ref _names)}-{Guid.NewGuid():N}@example.test";
        const string password = "Test-password-123";
        var registered = await PostAsync("/api/auth/register", new { email, password, name });
        var login = await PostAsync("/api/auth/login", new { email, password });
        return new TestUser(registered.GetProperty("user").GetProperty("id").GetString()!, name, login.GetProperty("accessToken").GetString()!);
    }

    public async Task<TestUser> GuestAsync(string name)
    {
        var login = await PostAsync("/api/auth/guest", new { name });
        var token = login.GetProperty("accessToken").GetString()!;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var me = await Http.SendAsync(request);
        me.EnsureSuccessStatusCode();
        var user = (await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("user");
        return new TestUser(user.GetProperty("id").GetString()!, name, token);
    }

    public async Task<string> CreateRoomAsync(TestUser owner, bool requireAccessBeforeJoining = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rooms/create")
        {
            Content = JsonContent.Create(new { name = "Room of " + owner.Name, requireAccessBeforeJoining }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", owner.Token);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("room").GetProperty("id").GetString()!;
    }

    public async Task DeleteRoomAsync(TestUser owner, string roomId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/rooms/{roomId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", owner.Token);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>
    /// A client on WebSockets that pings more often than the server's shortened client timeout (its default of
    /// 15 s would get it dropped). It negotiates first, so that its connection id is known.
    /// </summary>
    public HubConnection BuildConnection(
        string? token, Action<HttpConnectionOptions>? configure = null, TimeSpan? keepAlive = null, TimeSpan? serverTimeout = null) =>
        new HubConnectionBuilder()
            .WithKeepAliveInterval(keepAlive ?? ClientTimeout / 3)
            .WithServerTimeout(serverTimeout ?? TimeSpan.FromSeconds(30))
            .WithUrl(new Uri(BaseAddress, "/ws"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                if (token is not null)
                {
                    options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }

                configure?.Invoke(options);
            })
            .Build();

    public async Task<HubClient> ConnectAsync(TestUser user)
    {
        var client = new HubClient(BuildConnection(user.Token), user.UserId);
        await client.Connection.StartAsync();
        return client;
    }

    /// <summary>A room with its owner (host; a new account unless given) and a guest joined; the host saw the guest arrive.</summary>
    public async Task<(string RoomId, HubClient Host, HubClient Visitor, TestUser Guest)> TwoInARoomAsync(TestUser? owner = null)
    {
        owner ??= await RegisterAsync("Owner");
        var guest = await GuestAsync("Guest");
        var roomId = await CreateRoomAsync(owner);
        var host = await ConnectAsync(owner);
        var visitor = await ConnectAsync(guest);
        await host.JoinAsync(roomId);
        await visitor.JoinAsync(roomId);
        await host.NextAsync("userJoined");
        return (roomId, host, visitor, guest);
    }

    /// <summary>Runs a query on a fresh context of the server's database.</summary>
    public async Task<T> QueryAsync<T>(Func<ParleyDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ParleyDbContext>());
    }

    /// <summary>The <c>room_user</c> rows of a room as (userId, role, mic, cam, screen), sorted.</summary>
    public Task<List<string>> RoomRowsAsync(string roomId) => QueryAsync(async db =>
        (await db.RoomUsers.AsNoTracking().Where(r => r.RoomId == roomId).ToListAsync())
            .Select(r => $"{r.UserId}:{r.Role}:{r.IsMicActive}:{r.IsCamActive}:{r.IsShareScreen}")
            .Order(StringComparer.Ordinal)
            .ToList());

    /// <summary>
    /// Waits until the room's rows are exactly <paramref name="expected"/> (sorted), for changes that follow a
    /// disconnect the client cannot observe the end of; fails with the last rows seen.
    /// </summary>
    public async Task WaitForRowsAsync(string roomId, IEnumerable<string> expected, TimeSpan? timeout = null)
    {
        var want = expected.Order(StringComparer.Ordinal).ToList();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        List<string> rows;
        while (!(rows = await RoomRowsAsync(roomId)).SequenceEqual(want))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Equal(want, rows);
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits until the server has finished with a connection (its disconnect handling is done).</summary>
    public async Task WaitForConnectionGoneAsync(string connectionId)
    {
        var registry = Services.GetRequiredService<ConnectionRegistry>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (registry.Find(connectionId) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The server still holds connection {connectionId}.");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Waits until no connection is registered in the room: after the last row is deleted, disconnect handling may
    /// still be finishing with the registry.
    /// </summary>
    public async Task WaitForVacantAsync(string roomId)
    {
        var registry = Services.GetRequiredService<ConnectionRegistry>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!registry.IsVacant(roomId))
        {
            Assert.True(DateTime.UtcNow < deadline, $"Room {roomId} still has registered connections.");
            await Task.Delay(50);
        }
    }

    /// <summary>Everything membership can change, for "the database is unchanged" checks.</summary>
    public Task<string> MembershipSnapshotAsync() => QueryAsync(async db =>
    {
        var rows = await db.RoomUsers.AsNoTracking().ToListAsync();
        var rooms = await db.Rooms.AsNoTracking().ToListAsync();
        return string.Join('\n', rows.Select(r => $"{r.Id}:{r.RoomId}:{r.UserId}:{r.Role}:{r.IsMicActive}:{r.IsCamActive}:{r.IsShareScreen}:{r.UpdatedAt:O}")
            .Concat(rooms.Select(r => $"{r.Id}:{string.Join(',', r.Users)}:{r.UpdatedAt:O}"))
            .Order(StringComparer.Ordinal));
    });

    private async Task<JsonElement> PostAsync(string path, object body)
    {
        using var response = await Http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Http.Dispose();
        }

        base.Dispose(disposing);
        if (disposing && Directory.Exists(_recordingPath))
        {
            // After the server: its shutdown ends the ffmpegs writing there.
            Directory.Delete(_recordingPath, recursive: true);
        }
    }
}

public sealed record TestUser(string UserId, string Name, string Token);
