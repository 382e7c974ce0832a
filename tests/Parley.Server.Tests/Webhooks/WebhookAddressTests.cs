using System.Net;
using Parley.Server.Tests.Hubs;
using Parley.Server.Webhooks;

namespace Parley.Server.Tests.Webhooks;

/// <summary>Which addresses count as private, and a server with the default settings refusing them.</summary>
public sealed class WebhookAddressClassificationTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.9")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("fe80::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:127.0.0.1")]
    public void Private_loopback_and_link_local_addresses_are_private(string address) =>
        Assert.True(WebhookAddresses.IsPrivate(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("169.255.0.1")]
    [InlineData("2001:db8::1")]
    [InlineData("fec0::1")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_are_not(string address) =>
        Assert.False(WebhookAddresses.IsPrivate(IPAddress.Parse(address)));

    [Fact]
    public void Retries_back_off_exponentially_from_the_first_delay_up_to_the_cap()
    {
        var settings = new WebhookSettings { FirstRetryDelay = TimeSpan.FromSeconds(5), MaxRetryDelay = TimeSpan.FromMinutes(1) };
        Assert.Equal(
            [5, 10, 20, 40, 60, 60],
            Enumerable.Range(1, 6).Select(attempts => settings.RetryDelay(attempts).TotalSeconds));
    }

    [Fact]
    public void The_signature_is_the_hex_hmac_of_time_dot_body_keyed_with_the_secret()
    {
        // Recomputed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'whsec_test'
        Assert.Equal(
            "t=1700000000,v1=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
                "whsec_test"u8.ToArray(), "1700000000.{\"a\":1}"u8.ToArray())),
            WebhookSignature.Create("whsec_test", 1700000000, "{\"a\":1}"));
    }
}

/// <summary>On a server with the default settings, webhook URLs into loopback or private networks are refused.</summary>
public abstract class WebhookPrivateAddressTests
{
    protected abstract HubServer Server { get; }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://localhost/hook")]
    [InlineData("http://10.0.0.5/hook")]
    [InlineData("https://192.168.1.10/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[fd00::1]/hook")]
    public async Task Private_urls_are_refused_without_the_setting(string url)
    {
        var owner = await Server.RegisterAsync("Olivia");
        using var response = await Server.SendAsync(owner, HttpMethod.Post, "/api/webhooks", new { url, events = new[] { "meeting.started" } });
        await WebhookDeliveryTests.AssertProblemAsync(response, "'url'");
    }
}

public sealed class WebhookPrivateAddressSqliteTests(SqliteHubServerFixture fixture) : WebhookPrivateAddressTests, IClassFixture<SqliteHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}

public sealed class WebhookPrivateAddressPostgresTests(PostgresHubServerFixture fixture) : WebhookPrivateAddressTests, IClassFixture<PostgresHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}
