using Microsoft.EntityFrameworkCore;
using Parley.Server.Tests.Hubs;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Webhooks;

/// <summary>The outbox is durable: deliveries pending when the server stops go out from the next one.</summary>
public abstract class WebhookRestartTests(DatabaseFixture database)
{
    [Fact]
    public async Task Deliveries_pending_at_a_stop_are_delivered_by_the_next_server_on_the_same_database()
    {
        var settings = new Dictionary<string, string>(WebhookTestSettings.Fast(maxAttempts: 1000))
        {
            ["Database:Provider"] = database.Provider,
            ["ConnectionStrings:Default"] = database.ConnectionString,
        };
        var receiver = new WebhookReceiver(); // not started: the receiver is down
        await using (receiver)
        {
            string webhookId;
            await using (var first = new HubServer(settings))
            {
                var owner = await first.RegisterAsync("Olivia");
                webhookId = (await first.RegisterWebhookAsync(owner, receiver.Url,
                    ["meeting.started", "meeting.ended", "participant.joined", "participant.left"])).GetProperty("id").GetString()!;
                var roomId = await first.CreateRoomAsync(owner);
                await using var host = await first.ConnectAsync(owner);
                await host.JoinAsync(roomId);
                await host.InvokeAsync("leaveRoom", new { });
                // Attempts are being made and failing (connection refused) before the stop.
                await first.WaitForDeliveriesAsync(owner, webhookId, l => l.Count == 4 && l.Any(d => d.GetProperty("attempts").GetInt32() > 0));
            }

            await receiver.StartAsync();
            await using var second = new HubServer(settings);
            var delivered = await receiver.WaitForDeliveredAsync(4);
            Assert.Equal(["meeting.started", "participant.joined", "participant.left", "meeting.ended"], delivered.Select(d => d.Type));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (await second.QueryAsync(db => db.WebhookDeliveries.CountAsync(d => d.WebhookId == webhookId && d.DeliveredAt == null)) > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "The log still has undelivered rows.");
                await Task.Delay(100);
            }
        }
    }
}

public sealed class WebhookRestartSqliteTests(SqliteDatabaseFixture database) : WebhookRestartTests(database), IClassFixture<SqliteDatabaseFixture>;

public sealed class WebhookRestartPostgresTests(PostgresDatabaseFixture database) : WebhookRestartTests(database), IClassFixture<PostgresDatabaseFixture>;
