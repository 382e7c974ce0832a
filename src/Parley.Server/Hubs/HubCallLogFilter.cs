using Microsoft.AspNetCore.SignalR;

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
        catch (Exception e)
        {
            Failed(logger, e, invocationContext.HubMethodName, invocationContext.Context.UserIdentifier);
            throw;
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "Hub call {Method} by user {UserId} refused: {Reason}")]
    private static partial void Refused(ILogger logger, string method, string? userId, string reason);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Debug, Message = "Hub call {Method} by user {UserId} abandoned: the connection closed")]
    private static partial void Abandoned(ILogger logger, string method, string? userId);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "Hub call {Method} by user {UserId} failed unexpectedly")]
    private static partial void Failed(ILogger logger, Exception exception, string method, string? userId);
}
