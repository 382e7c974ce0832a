using Microsoft.Data.Sqlite;

namespace Parley.Server.Tests.Infrastructure;

/// <summary>A fresh SQLite file in a temp directory.</summary>
public sealed class SqliteDatabaseFixture : DatabaseFixture
{
    private string? _directory;

    public override string Provider => "Sqlite";

    public override Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("parley-test-").FullName;
        ConnectionString = $"Data Source={Path.Combine(_directory, "parley.db")}";
        return Task.CompletedTask;
    }

    protected override Task DropDatabaseAsync()
    {
        SqliteConnection.ClearAllPools();
        if (_directory is not null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }
}
