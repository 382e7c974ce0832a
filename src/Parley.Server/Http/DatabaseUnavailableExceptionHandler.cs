using System.Data.Common;
using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Parley.Server.Http;

/// <summary>
/// Answers 503 with <c>Retry-After</c> when a request failed because the database could not be reached (PostgreSQL
/// down or restarting, the SQLite file locked or gone), rather than a 500: the request was fine, the server will
/// be again.
/// </summary>
internal sealed partial class DatabaseUnavailableExceptionHandler(IProblemDetailsService problemDetails, ILogger<DatabaseUnavailableExceptionHandler> logger)
    : IExceptionHandler
{
    /// <summary>The <c>Retry-After</c> value: long enough for a database restart, short enough for a person to wait.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!DatabaseFailures.IsUnavailable(exception))
        {
            return false;
        }

        LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, DatabaseFailures.Innermost(exception).Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Database unavailable",
                Detail = $"The server cannot reach its database right now. Try again in {RetryAfterSeconds} seconds.",
            },
        });
    }

    // A warning without a stack trace: the cause is outside the process, and there is one line per failed request.
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: the database is unavailable ({Reason})")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string reason);
}

/// <summary>Which database errors mean "unreachable for now" rather than "this request is wrong".</summary>
internal static class DatabaseFailures
{
    // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_PROTOCOL.
    private static readonly int[] SqliteUnavailableCodes = [5, 6, 10, 14, 15];

    public static bool IsUnavailable(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    // Class 08 (connection), 53 (insufficient resources), 57P (shutting down, starting up).
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
                        || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal);
                case NpgsqlException npgsql:
                    // No server answer at all (refused, reset, timed out): Npgsql marks these transient.
                    return npgsql.IsTransient;
                case SqliteException sqlite:
                    return SqliteUnavailableCodes.Contains(sqlite.SqliteErrorCode);
                case DbException db when db.IsTransient:
                    return true;
            }
        }

        return false;
    }

    public static Exception Innermost(Exception exception)
    {
        var e = exception;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
