using Microsoft.AspNetCore.SignalR;
using Parley.Server.Http;

namespace Parley.Server.Hubs;

/// <summary>
/// The hub's log of failed calls. A refusal (<see cref="HubException"/>: bad input, not allowed, not found) is a
/// normal answer to the caller and is logged at Debug without a stack trace; anything else is a fault of ours and
/// stays at Error with its stack. SignalR's own dispatcher logs every failure at Error, refusals included, so its
/// category (<see cref="DispatcherCategory"/>) is raised to Critical where this filter is registered.
/// </summary>
internal sealed partial class HubCallLogFilter(ILogger<HubCallLogFilter> logger) : IHubFilter
{
    /// <summary>The log category of SignalR's <c>DefaultHubDispatcher</c>.</summary>
    public const string DispatcherCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (HubException refusal)
        {
            Refused(logger, invocationContext.HubMethodName, invocationContext.Context.UserIdentifier, refusal.Message);
            throw;
        }
        catch (OperationCanceledException) when (invocationContext.Context.ConnectionAborted.IsCancellationRequested)
        {
            // The caller went away mid-call; nobody is waiting for the answer.
            Abandoned(logger, invocationContext.HubMethodName, invocationContext.Context.UserIdentifier);
            throw;
        }
        catch (Exception e) when (DatabaseFailures.IsUnavailable(e))
        {
            // Like HTTP's 503: the call was fine, the database is down for now. The caller is told so (not "an
            // unexpected error"), and the log has one line without a stack; the reconciler heals what was left over.
            DatabaseUnavailable(logger, invocationContext.HubMethodName, invocationContext.Context.UserIdentifier, DatabaseFailures.Innermost(e).Message);
            throw new HubException("The server cannot reach its database right now. Try again in a few seconds.");
        }
        catch (Exception e)
        {
            Failed(logger, e, invocationContext.HubMethodName, invocationContext.Context.UserIdentifier);
            throw;
        }
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Debug, Message = "Hub call {Method} by user {UserId} refused: {Reason}")]
    private static partial void Refused(ILogger logger, string method, string? userId, string reason);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Debug, Message = "Hub call {Method} by user {UserId} abandoned: the connection closed")]
    private static partial void Abandoned(ILogger logger, string method, string? userId);

    [LoggerMessage(EventId = 3304, Level = LogLevel.Warning, Message = "Hub call {Method} by user {UserId} failed: the database is unavailable ({Reason})")]
    private static partial void DatabaseUnavailable(ILogger logger, string method, string? userId, string reason);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Error, Message = "Hub call {Method} by user {UserId} failed unexpectedly")]
    private static partial void Failed(ILogger logger, Exception exception, string method, string? userId);
}
