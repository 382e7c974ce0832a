using Microsoft.Extensions.DependencyInjection;
using Parley.Media.Routing;
using Parley.Server.RoomMedia;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.RoomMedia;

/// <summary>
/// <c>Media:MaxQueueDelay</c> reaches every media worker (benchmarks set the same shedding budget for both arms of
/// an A/B); unset, the workers keep the engine's default.
/// </summary>
public sealed class MediaSettingsTests(SqliteDatabaseFixture database) : IClassFixture<SqliteDatabaseFixture>
{
    [Fact]
    public async Task MaxQueueDelay_from_configuration_is_every_workers_budget()
    {
        await using var app = database.CreateApp(new Dictionary<string, string?> { ["Media:MaxQueueDelay"] = "00:00:02", ["Media:WorkerCount"] = "2" });
        _ = app.Server;
        var workers = app.Services.GetRequiredService<MediaEngine>().Workers.Workers;

        Assert.Equal(2, workers.Count);
        Assert.All(workers, w => Assert.Equal(TimeSpan.FromSeconds(2), w.MaxQueueDelay));
    }

    [Fact]
    public async Task Without_the_setting_the_workers_keep_the_engines_default()
    {
        await using var app = database.CreateApp();
        _ = app.Server;
        var workers = app.Services.GetRequiredService<MediaEngine>().Workers.Workers;

        Assert.All(workers, w => Assert.Equal(new WorkerPoolOptions().MaxQueueDelay, w.MaxQueueDelay));
    }
}
