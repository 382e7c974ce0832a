using Microsoft.AspNetCore.Http.HttpResults;
using Parley.Server.Http;
using StackExchange.Redis;

namespace Parley.Server.Cluster;

/// <summary>
/// <c>/api/admin/node</c>: the operator's calls on this node, allowed by the operator key (<see cref="OperatorKeyFilter"/>).
/// <c>GET</c> its drain status, <c>POST …/drain</c> drain it (<see cref="NodeDrain"/>), <c>DELETE …/drain</c> take
/// new rooms again. A node that runs alone (no Redis) has nowhere to send new rooms and answers 409.
/// </summary>
internal static class NodeOperatorEndpoints
{
    public const string Path = "/api/admin/node";

    public static IEndpointRouteBuilder MapNodeOperatorEndpoints(this IEndpointRouteBuilder app)
    {
        var node = app.MapGroup(Path).WithTags("Operator").AddEndpointFilter<OperatorKeyFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        node.MapGet("/", Status);
        node.MapPost("/drain", StartDrainAsync);
        node.MapDelete("/drain", CancelDrainAsync);
        return app;
    }

    private static Results<Ok<NodeDrainStatus>, ProblemHttpResult> Status(IServiceProvider services) =>
        services.GetService<NodeDrain>() is { } drain ? TypedResults.Ok(drain.Status()) : Alone();

    /// <summary>The longest deadline a drain takes before moving the meetings (a day).</summary>
    public const int MaxMoveAfterSeconds = 86_400;

    private static async Task<Results<Ok<NodeDrainStatus>, ProblemHttpResult>> StartDrainAsync(
        DrainRequest? request, IServiceProvider services, ILogger<NodeDrain> logger)
    {
        if (request?.MoveAfterSeconds is { } seconds and (< 0 or > MaxMoveAfterSeconds))
        {
            return Problems.BadRequest($"moveAfterSeconds must be between 0 (move the meetings now) and {MaxMoveAfterSeconds}, or absent (wait for them to end).");
        }

        var moveAfter = request?.MoveAfterSeconds is { } after ? TimeSpan.FromSeconds(after) : (TimeSpan?)null;
        return await ChangeAsync(services, logger, drain => drain.Start(moveAfter));
    }

    private static Task<Results<Ok<NodeDrainStatus>, ProblemHttpResult>> CancelDrainAsync(IServiceProvider services, ILogger<NodeDrain> logger) =>
        ChangeAsync(services, logger, drain => drain.Cancel());

    /// <param name="change">Starts or ends the drain; true when that changed anything.</param>
    private static async Task<Results<Ok<NodeDrainStatus>, ProblemHttpResult>> ChangeAsync(
        IServiceProvider services, ILogger logger, Func<NodeDrain, bool> change)
    {
        if (services.GetService<NodeDrain>() is not { } drain)
        {
            return Alone();
        }

        if (change(drain))
        {
            await PublishAsync(services, logger);
        }

        return TypedResults.Ok(drain.Status());
    }

    /// <summary>Rewrites the heartbeat at once, so that the other nodes' placement sees the change now, not in a second.</summary>
    private static async Task PublishAsync(IServiceProvider services, ILogger logger)
    {
        try
        {
            await services.GetRequiredService<ClusterDirectory>().RefreshAsync(services.GetRequiredService<RoomPlacement>().Self());
        }
        catch (RedisException exception)
        {
            // The next heartbeat carries it.
            ClusterLog.HeartbeatFailed(logger, exception.GetType().Name, exception.Message);
        }
    }

    private static ProblemHttpResult Alone() => Problems.Conflict(
        "This server runs alone (ConnectionStrings__Redis is not set): no other node can take its new meetings. Stop it with SIGTERM to drain it.");
}

/// <summary>The optional body of <c>POST /api/admin/node/drain</c>.</summary>
/// <param name="MoveAfterSeconds">Seconds after which the meetings still on the node are moved to other nodes (0: now);
/// absent: they stay until they end.</param>
internal sealed record DrainRequest(int? MoveAfterSeconds);
