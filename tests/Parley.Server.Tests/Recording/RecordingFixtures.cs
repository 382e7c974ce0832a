using Parley.Server.Tests.Hubs;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Recording;

/// <summary>Recording settings for tests: a folder of its own, no free-space floor, quick stops.</summary>
internal static class RecordingTestSettings
{
    public static Dictionary<string, string> Create() => new()
    {
        ["Recording:Path"] = Directory.CreateTempSubdirectory("parley-recordings-").FullName,
        ["Recording:MinFreeBytes"] = "0",
        ["Recording:StopTimeout"] = "00:00:05",
    };
}

public sealed class RecordingSqliteServerFixture() : HubServerFixture(new SqliteDatabaseFixture(), RecordingTestSettings.Create());

public sealed class RecordingPostgresServerFixture() : HubServerFixture(new PostgresDatabaseFixture(), RecordingTestSettings.Create());
