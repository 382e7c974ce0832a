using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Parley.Data;

/// <summary>The database engines Parley runs on, and how each one's EF Core options are built.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>EF Core options per provider, shared by the application and the design-time factories.</summary>
public static class ParleyDbOptions
{
    /// <summary>The SQLite connection string used when none is configured.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=data/parley.db";

    public static DbContextOptionsBuilder UseParleySqlite(this DbContextOptionsBuilder builder, string connectionString) =>
        builder
            .UseSqlite(connectionString, sqlite => sqlite.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(SqlitePragmas.Instance);

    public static DbContextOptionsBuilder UseParleyPostgres(this DbContextOptionsBuilder builder, string connectionString) =>
        builder
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();

    /// <summary>
    /// Parses <c>Database:Provider</c> (case-insensitive; empty means SQLite).
    /// </summary>
    /// <exception cref="InvalidOperationException">The value names no supported provider.</exception>
    public static DatabaseProvider ParseProvider(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return DatabaseProvider.Sqlite;
        }

        if (value.Equals("Postgres", StringComparison.OrdinalIgnoreCase) || value.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase))
        {
            return DatabaseProvider.Postgres;
        }

        throw new InvalidOperationException(
            $"Database:Provider is '{value}', which Parley does not support. Set Database__Provider to 'Sqlite' (the default) or 'Postgres'.");
    }

    /// <summary>
    /// Makes a relative SQLite file path absolute under <paramref name="contentRootPath"/> and creates its
    /// directory, so a fresh checkout gets <c>./data/parley.db</c> with nothing to set up.
    /// </summary>
    public static string PrepareSqliteConnectionString(string connectionString, string contentRootPath)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var dataSource = builder.DataSource;
        if (string.IsNullOrEmpty(dataSource)
            || dataSource.Equals(":memory:", StringComparison.OrdinalIgnoreCase)
            || builder.Mode == SqliteOpenMode.Memory
            || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return connectionString;
        }

        var path = Path.GetFullPath(dataSource, contentRootPath);
        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        builder.DataSource = path;
        return builder.ToString();
    }
}
