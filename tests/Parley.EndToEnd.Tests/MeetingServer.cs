using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.EndToEnd.Tests;

/// <summary>
/// The real server on Kestrel at http://127.0.0.1:PORT (page, API, WebSocket hub) with the SFU on 127.0.0.1, and
/// a fresh SQLite file in a temp directory that the tests read directly.
/// </summary>
public sealed class MeetingServer : WebApplicationFactory<Program>
{
    private readonly string _directory;
    private readonly IReadOnlyDictionary<string, string> _settings;

    public MeetingServer()
        : this(new Dictionary<string, string>())
    {
    }

    /// <param name="settings">Configuration over the defaults below (e.g. <c>Media:Port</c> and <c>Media:AnnouncedPort</c>
    /// for a media port reached through a relay).</param>
    public MeetingServer(IReadOnlyDictionary<string, string> settings)
    {
        _settings = settings;
        _directory = Directory.CreateTempSubdirectory("parley-e2e-").FullName;
        DatabasePath = Path.Combine(_directory, "parley.db");
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    public Uri BaseAddress { get; }

    public string DatabasePath { get; }

    /// <summary>The server's warnings and errors so far.</summary>
    public ServerLog Log { get; } = new();

    /// <summary>Where this server writes recordings (a temp directory of its own).</summary>
    public string RecordingPath { get; } = Directory.CreateTempSubdirectory("parley-e2e-recordings-").FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("ConnectionStrings:Default", $"Data Source={DatabasePath}");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureLogging(logging => logging.AddProvider(Log));
        builder.UseSetting("RateLimits:Auth:PermitLimit", "100000");
        builder.UseSetting("RateLimits:JoinCode:PermitLimit", "100000");
        builder.UseSetting("Media:Port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Media:ListenAddress", "127.0.0.1");
        builder.UseSetting("Media:AnnouncedAddress", "127.0.0.1");
        builder.UseSetting("Recording:Path", RecordingPath);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        // The default client timeout (25 s) stays: the page's SignalR client pings only every 15 s.
    }

    /// <summary>The <c>room_user</c> row of a user in a room as (mic, cam, screen), or null when there is none.</summary>
    public async Task<(bool Mic, bool Cam, bool Screen)?> RoomUserRowAsync(string roomId, string userId)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT is_mic_active, is_cam_active, is_share_screen FROM room_user WHERE room_id = $room AND user_id = $user";
        command.Parameters.AddWithValue("$room", roomId);
        command.Parameters.AddWithValue("$user", userId);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        return (reader.GetBoolean(0), reader.GetBoolean(1), reader.GetBoolean(2));
    }

    /// <summary>Polls until <paramref name="condition"/> holds for the user's row, failing with what was last seen.</summary>
    public async Task WaitForRowAsync(string roomId, string userId, Func<(bool Mic, bool Cam, bool Screen)?, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        (bool, bool, bool)? row;
        while (!condition(row = await RoomUserRowAsync(roomId, userId)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"room_user of {userId} in {roomId}: expected {what}, last seen {(row is null ? "no row" : row.ToString())}");
            await Task.Delay(100);
        }
    }

    /// <summary>A port free for both UDP and TCP right now (the SFU's shared port).</summary>
    internal static int FreePort()
    {
        for (var attempt = 0; ; attempt++)
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            SqliteConnection.ClearAllPools();
            foreach (var directory in (string[])[_directory, RecordingPath])
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }
}
