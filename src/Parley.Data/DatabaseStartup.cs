using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Data;

public static partial class DatabaseStartup
{
    /// <summary>
    /// Applies pending migrations, then deletes every <c>room_user</c> row: those rows mean "connected right
    /// now", and no connection survives a restart.
    /// </summary>
    public static async Task InitializeParleyDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseStartup));

        // On PostgreSQL the provider assumes the history table exists and catches the error when it does not, which EF
        // logs as a failed command on every fresh database (npgsql/efcore.pg#3407): create the table first.
        var history = db.GetService<IHistoryRepository>();
        if (db.Database.IsNpgsql())
        {
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

        var stale = await db.RoomUsers.ExecuteDeleteAsync(cancellationToken);
        if (stale > 0)
        {
            LogStaleRoomUsersDeleted(logger, stale);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Database ready on {Provider}; applied {Count} migration(s)")]
    private static partial void LogMigrated(ILogger logger, string provider, int count);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Deleted {Count} room_user row(s) left by a previous run")]
    private static partial void LogStaleRoomUsersDeleted(ILogger logger, int count);
}
