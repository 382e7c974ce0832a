using Parley.Server.Tests.Hubs;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Recording;

/// <summary>
/// A server that records into a temp folder of its own (<c>/tmp/parley-recordings-*</c>, removed when the fixture
/// ends), with no free-space floor and quick stops.
/// </summary>
public abstract class RecordingServerFixture : HubServerFixture
{
    protected RecordingServerFixture(DatabaseFixture database)
        : this(database, Directory.CreateTempSubdirectory("parley-recordings-").FullName)
    {
    }

    private RecordingServerFixture(DatabaseFixture database, string folder)
        : base(database, new Dictionary<string, string>
        {
            ["Recording:Path"] = folder,
            ["Recording:MinFreeBytes"] = "0",
            ["Recording:StopTimeout"] = "00:00:05",
            // Recording tests run several ffmpegs on two cores beside the other tests; a 3 s client timeout, meant
            // for the tests of vanished clients, dropped a host mid-test in CI while its pings waited for a thread.
            ["Hub:ClientTimeout"] = "00:00:30",
        }) => Folder = folder;

    /// <summary>The recording folder.</summary>
    public string Folder { get; }

    public override async Task DisposeAsync()
    {
        // The server first: its shutdown stops the ffmpegs that write into the folder.
        await base.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}

public sealed class RecordingSqliteServerFixture() : RecordingServerFixture(new SqliteDatabaseFixture());

public sealed class RecordingPostgresServerFixture() : RecordingServerFixture(new PostgresDatabaseFixture());
