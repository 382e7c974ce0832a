using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Data;

public static partial class DatabaseStartup
{
    /// <summary>
    /// Creates the PostgreSQL database if it does not exist, applies pending migrations, then deletes the
    /// <c>room_user</c> rows this server left: those rows mean "connected right now", and no connection survives a
    /// restart. With <paramref name="nodeId"/> (one of several nodes on the database) only that node's rows go;
    /// without it (the only server) every row does.
    /// </summary>
    /// <exception cref="DatabaseStartupException">
    /// The database cannot be reached or created; the message says what to do (the caller logs it as one line).
    /// </exception>
    public static async Task InitializeParleyDatabaseAsync(
        this IServiceProvider services, CancellationToken cancellationToken = default, string? nodeId = null)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseStartup));
        try
        {
            await MigrateAsync(db, logger, nodeId, cancellationToken);
        }
        catch (DbException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DatabaseStartupException(Explain(db, e), e);
        }
    }

    private static async Task MigrateAsync(ParleyDbContext db, ILogger logger, string? nodeId, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            var creator = db.GetService<IRelationalDatabaseCreator>();
            if (!await creator.ExistsAsync(cancellationToken))
            {
                // Asked first, so that a missing right is one clear line rather than EF's failed-command error.
                if (!await MayCreateDatabaseAsync(db, cancellationToken))
                {
                    throw new DatabaseStartupException(
                        $"The PostgreSQL database '{db.Database.GetDbConnection().Database}' does not exist and the configured user may not create it: " +
                        "create it (CREATE DATABASE) or give the user the CREATEDB right, then start Parley again.");
                }

                // Connects to the cluster's maintenance database and runs CREATE DATABASE.
                await creator.CreateAsync(cancellationToken);
                LogCreated(logger, db.Database.GetDbConnection().Database);
            }

            // The provider assumes the history table exists and catches the error when it does not, which EF logs as a
            // failed command on every fresh database (npgsql/efcore.pg#3407): create the table first.
            var history = db.GetService<IHistoryRepository>();
            await db.Database.ExecuteSqlRawAsync(history.GetCreateIfNotExistsScript(), cancellationToken);
        }

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
        await db.Database.MigrateAsync(cancellationToken);
        LogMigrated(logger, db.Database.ProviderName ?? "?", pending);

        if (db.Database.IsSqlite())
        {
            // Readers do not block the writer (and the other way round) in write-ahead-log mode.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        var stale = await db.RoomUsers.Where(ru => nodeId == null || ru.NodeId == nodeId).ExecuteDeleteAsync(cancellationToken);
        if (stale > 0)
        {
            LogStaleRoomUsersDeleted(logger, stale);
        }
    }

    private static async Task<bool> MayCreateDatabaseAsync(ParleyDbContext db, CancellationToken cancellationToken)
    {
        var maintenance = new Npgsql.NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { Database = "postgres", Pooling = false };
        await using var connection = new Npgsql.NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new Npgsql.NpgsqlCommand("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user", connection);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    private static string Explain(ParleyDbContext db, DbException e)
    {
        var connection = db.Database.GetDbConnection();
        var where = db.Database.IsNpgsql()
            ? $"PostgreSQL database '{connection.Database}' on {connection.DataSource}"
            : $"SQLite database {connection.DataSource}";
        var detail = e.Message.ReplaceLineEndings(" ");
        var fix = e is Npgsql.PostgresException { SqlState: "42501" }
            ? "create it (CREATE DATABASE) or give the configured user the CREATEDB right"
            : "check ConnectionStrings__Default (host, port, user, password, database) and that the server runs";
        return $"Cannot open the {where}: {detail} — {fix}, then start Parley again.";
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Database ready on {Provider}; applied {Count} migration(s)")]
    private static partial void LogMigrated(ILogger logger, string provider, int count);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Deleted {Count} room_user row(s) left by a previous run")]
    private static partial void LogStaleRoomUsersDeleted(ILogger logger, int count);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Created the database {Database}: it did not exist")]
    private static partial void LogCreated(ILogger logger, string database);
}

/// <summary>The database could not be opened, created or migrated at start-up; <see cref="Exception.Message"/> says what to do.</summary>
public sealed class DatabaseStartupException : Exception
{
    public DatabaseStartupException(string message)
        : base(message)
    {
    }

    public DatabaseStartupException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
