using Parley.Server.Tests.Hubs;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Webhooks;

/// <summary>Settings that let webhooks reach the local receiver and make retries fast.</summary>
public static class WebhookTestSettings
{
    public static Dictionary<string, string> Fast(int maxAttempts = 3) => new()
    {
        ["Webhooks:AllowPrivateAddresses"] = "true",
        ["Webhooks:FirstRetryDelay"] = "00:00:00.100",
        ["Webhooks:MaxRetryDelay"] = "00:00:00.400",
        ["Webhooks:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Webhooks:DisableAfterGivenUp"] = "2",
        ["Webhooks:Timeout"] = "00:00:05",
        ["Webhooks:PollInterval"] = "00:00:01",
    };
}

public sealed class SqliteWebhookServerFixture() : HubServerFixture(new SqliteDatabaseFixture(), WebhookTestSettings.Fast());

/// <summary>Needs <c>PARLEY_TEST_POSTGRES</c>.</summary>
public sealed class PostgresWebhookServerFixture() : HubServerFixture(new PostgresDatabaseFixture(), WebhookTestSettings.Fast());
