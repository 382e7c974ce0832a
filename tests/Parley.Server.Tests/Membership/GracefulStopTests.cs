using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Data.Sqlite;
using Parley.Server.Tests.Cluster;
using Parley.Server.Tests.Hubs;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Membership;

/// <summary>
/// A real SIGTERM to the server as an operator runs it (<c>dotnet Parley.Server.dll</c>, its own process) with
/// people in many rooms: every room is emptied and every client told, nothing fails on the way out, and the process
/// exits within a bound.
/// </summary>
public abstract class GracefulStopTests
{
    private const int Rooms = 30;
    private const int MembersPerRoom = 3;
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(15);

    protected abstract DatabaseFixture NewDatabase();

    /// <summary>Settings of the variant (a cluster node's Redis), as environment variables.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    [Fact]
    public async Task SIGTERM_with_many_rooms_clears_every_room_tells_every_client_and_logs_no_failure()
    {
        var database = NewDatabase();
        await database.InitializeAsync();
        var server = new ServerProcess(database, Settings);
        try
        {
            await server.StartAsync();
            await FillAndStopAsync(server);
        }
        finally
        {
            await server.DisposeAsync();
            await database.DisposeAsync();
        }
    }

    private static async Task FillAndStopAsync(ServerProcess server)
    {
        var owner = await server.RegisterAsync();
        var clients = new List<HubClient>();
        try
        {
            for (var room = 0; room < Rooms; room++)
            {
                var roomId = await server.CreateRoomAsync(owner);
                for (var member = 0; member < MembersPerRoom; member++)
                {
                    var client = await server.ConnectGuestAsync($"Guest {room}.{member}");
                    clients.Add(client);
                    await client.JoinAsync(roomId);
                }
            }

            // A few connections that are open but in no room, and one that left (its place held by the grace).
            for (var idle = 0; idle < 100 - clients.Count - 1; idle++)
            {
                clients.Add(await server.ConnectGuestAsync($"Idle {idle}"));
            }

            var lost = clients[0];
            clients.RemoveAt(0);
            await lost.DisposeAsync();

            Assert.Equal(Rooms * MembersPerRoom, await server.RoomUserRowCountAsync());
            // Like the web client, each closes its connection when told (the server waits for that before closing them).
            foreach (var client in clients)
            {
                client.Connection.On("serverShuttingDown", () => _ = client.Connection.StopAsync());
            }

            var stopping = Stopwatch.StartNew();
            await server.TerminateAsync(StopLimit);
            // The drain may block the stop for 10 s (its database limit) and the 5 s grace for the clients to close:
            // reaching that bound means something in it hung.
            Assert.True(stopping.Elapsed < DrainBound, $"The stop took {stopping.Elapsed.TotalSeconds:0.0} s:\n{server.Output}");

            var untold = 0;
            foreach (var client in clients)
            {
                try
                {
                    await client.NextAsync("serverShuttingDown", TimeSpan.FromSeconds(5));
                }
                catch (Xunit.Sdk.XunitException)
                {
                    untold++;
                }
            }

            Assert.True(untold == 0, $"{untold} of {clients.Count} clients were not told serverShuttingDown:\n{server.Output}");
            Assert.True(await server.RoomUserRowCountAsync() == 0, $"Rows were left:\n{server.Output}");
            var failures = server.Output.Split('\n').Where(line => line.Contains("[3116]", StringComparison.Ordinal)
                || line.Contains("[3119]", StringComparison.Ordinal) || line.Contains("[3113]", StringComparison.Ordinal)
                || line.Contains("warn: Parley.", StringComparison.Ordinal) || line.Contains("fail:", StringComparison.Ordinal) || line.Contains("crit:", StringComparison.Ordinal)).ToList();
            Assert.True(failures.Count == 0, $"The stop logged failures:\n{server.Output}");
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>The server's build output next to the tests, run with <c>dotnet</c> on the test's database.</summary>
    private sealed class ServerProcess(DatabaseFixture database, IReadOnlyDictionary<string, string> settings) : IAsyncDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("parley-stop-").FullName;
        private readonly StringBuilder _output = new();
        private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://127.0.0.1:{FreePort()}/") };
        private Process? _process;
        private int _names;

        public string Output
        {
            get { lock (_output) return _output.ToString(); }
        }

        public async Task StartAsync()
        {
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _directory, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Parley.Server.dll"));
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add(_http.BaseAddress!.ToString().TrimEnd('/'));
            start.Environment["DOTNET_ENVIRONMENT"] = "Production";
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["Database__Provider"] = database.Provider;
            // A loaded machine (tests run beside each other) can take more than the default 15 s to connect.
            start.Environment["ConnectionStrings__Default"] = database.Provider == "Sqlite"
                ? database.ConnectionString
                : new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString) { Timeout = 60 }.ConnectionString;
            start.Environment["Media__Port"] = "0";
            start.Environment["Media__WorkerCount"] = "1";
            start.Environment["Media__ListenAddress"] = "127.0.0.1";
            start.Environment["Media__AnnouncedAddress"] = "127.0.0.1";
            start.Environment["Recording__Path"] = Path.Combine(_directory, "recordings");
            start.Environment["RateLimits__Auth__PermitLimit"] = "100000";
            start.Environment["RateLimits__JoinCode__PermitLimit"] = "100000";
            start.Environment["Membership__ReconnectGrace"] = "00:00:30";
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            start.Environment["Logging__LogLevel__Parley"] = "Information";
            start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
            start.Environment["Logging__Console__FormatterName"] = "simple";
            start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
            foreach (var (name, value) in settings)
            {
                start.Environment[name] = value;
            }

            _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server.");
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (true)
            {
                Assert.False(_process.HasExited, $"The server exited while starting:\n{Output}");
                try
                {
                    using var response = await _http.GetAsync("/health/live");
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                Assert.True(DateTime.UtcNow < deadline, $"The server did not answer within 90 s:\n{Output}");
                await Task.Delay(200);
            }
        }

        public async Task<string> RegisterAsync()
        {
            var email = $"owner-{Guid.NewGuid():N}@example.test";
            const string password = "Test-password-123";
            await PostAsync("/api/auth/register", new { email, password, name = "Owner" }, null);
            return (await PostAsync("/api/auth/login", new { email, password }, null)).GetProperty("accessToken").GetString()!;
        }

        public async Task<string> CreateRoomAsync(string ownerToken) =>
            (await PostAsync("/api/rooms/create", new { name = "Room", requireAccessBeforeJoining = false }, ownerToken))
                .GetProperty("room").GetProperty("id").GetString()!;

        public async Task<HubClient> ConnectGuestAsync(string name)
        {
            var token = (await PostAsync("/api/auth/guest", new { name }, null)).GetProperty("accessToken").GetString()!;
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(_http.BaseAddress!, "/ws"), options =>
                {
                    options.Transports = HttpTransportType.WebSockets;
                    options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                })
                .Build();
            var client = new HubClient(connection, $"guest-{Interlocked.Increment(ref _names)}");
            await connection.StartAsync();
            return client;
        }

        /// <summary>How many <c>room_user</c> rows the database holds (read beside the server, or once it is gone).</summary>
        public async Task<long> RoomUserRowCountAsync()
        {
            await using System.Data.Common.DbConnection connection = database.Provider == "Sqlite"
                ? new SqliteConnection(database.ConnectionString + ";Pooling=False")
                : new Npgsql.NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM room_user";
            return (long)(await command.ExecuteScalarAsync())!;
        }

        /// <summary>Sends SIGTERM (what systemd or docker stop send) and waits for the process to exit, cleanly.</summary>
        public async Task TerminateAsync(TimeSpan limit)
        {
            var process = _process ?? throw new InvalidOperationException("Not started.");
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
                Assert.Equal(0, kill.ExitCode);
            }

            using var timeout = new CancellationTokenSource(limit);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"The server did not exit within {limit.TotalSeconds} s of SIGTERM:\n{Output}");
            }

            Assert.True(process.ExitCode == 0, $"The server exited with {process.ExitCode}:\n{Output}");
        }

        public async ValueTask DisposeAsync()
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            _process?.Dispose();
            _process = null;
            _http.Dispose();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private async Task<JsonElement> PostAsync(string path, object body, string? token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            if (token is not null)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            }

            using var response = await _http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output) _output.AppendLine(line);
            }
        }
    }
}

public sealed class GracefulStopSqliteTests : GracefulStopTests
{
    protected override DatabaseFixture NewDatabase() => new SqliteDatabaseFixture();
}

/// <summary>A cluster node (PostgreSQL and Redis, as in production).</summary>
public sealed class GracefulStopClusterTests : GracefulStopTests
{
    protected override DatabaseFixture NewDatabase() => new PostgresDatabaseFixture();

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["ConnectionStrings__Redis"] = Environment.GetEnvironmentVariable(ClusterNodes.RedisVariable) is { Length: > 0 } redis
            ? redis
            : throw new InvalidOperationException($"{ClusterNodes.RedisVariable} is not set: source scripts/redis.sh && redis_start"),
        ["Node__Id"] = "stop-" + Guid.NewGuid().ToString("N")[..8],
        ["Node__RedisPrefix"] = "parley-stop-" + Guid.NewGuid().ToString("N")[..8],
    };
}
