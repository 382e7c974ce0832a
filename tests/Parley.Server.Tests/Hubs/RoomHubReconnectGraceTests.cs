using System.Text.Json;

namespace Parley.Server.Tests.Hubs;

/// <summary>
/// The reconnect grace: a participant whose connection is lost keeps their place for a while; the room hears
/// <c>userConnectionChanged</c> when the connection is lost and when the user is back, and <c>userLeft</c> only when
/// they do not come back in time.
/// </summary>
public abstract class RoomHubReconnectGraceTests
{
    protected abstract HubServer Server { get; }

    [Fact]
    public async Task A_lost_connection_that_comes_back_within_the_grace_is_no_leave_and_join()
    {
        var (roomId, host, visitor, guest) = await Server.TwoInARoomAsync();
        await using var hostClient = host;

        await visitor.Connection.StopAsync();
        await visitor.DisposeAsync();
        AssertConnection(await host.NextAsync("userConnectionChanged"), guest.UserId, connected: false);
        Assert.Contains(guest.UserId, string.Join(' ', await Server.RoomRowsAsync(roomId)));

        await using var back = await Server.ConnectAsync(guest);
        await back.JoinAsync(roomId);
        AssertConnection(await host.NextAsync("userConnectionChanged"), guest.UserId, connected: true);
        Assert.False(host.TryTake("userLeft", out _));

        // The held place is gone for good: the new connection is the member, and its leave is a plain leave.
        await back.InvokeAsync("leaveRoom", new { });
        var left = await host.NextAsync("userLeft");
        Assert.Equal(guest.UserId, left.GetProperty("userId").GetString());
        Assert.Equal("left", left.GetProperty("reason").GetString());
        Assert.False(host.TryTake("userConnectionChanged", out _));
    }

    [Fact]
    public async Task A_lost_connection_that_does_not_come_back_leaves_when_the_grace_ends()
    {
        var (roomId, host, visitor, guest) = await Server.TwoInARoomAsync();
        await using var hostClient = host;

        await visitor.Connection.StopAsync();
        var lostAt = DateTime.UtcNow;
        await visitor.DisposeAsync();
        AssertConnection(await host.NextAsync("userConnectionChanged"), guest.UserId, connected: false);

        var left = await host.NextAsync("userLeft", ReconnectGraceSettings.Grace + TimeSpan.FromSeconds(15));
        Assert.True(DateTime.UtcNow - lostAt >= ReconnectGraceSettings.Grace - TimeSpan.FromSeconds(1), "userLeft came before the grace ended");
        Assert.Equal(guest.UserId, left.GetProperty("userId").GetString());
        Assert.Equal("left", left.GetProperty("reason").GetString());
        Assert.DoesNotContain(guest.UserId, string.Join(' ', await Server.RoomRowsAsync(roomId)));
    }

    [Fact]
    public async Task LeaveRoom_is_a_leave_at_once_without_a_lost_connection()
    {
        var (_, host, visitor, guest) = await Server.TwoInARoomAsync();
        await using var hostClient = host;
        await using var visitorClient = visitor;

        await visitor.InvokeAsync("leaveRoom", new { });

        Assert.Equal(guest.UserId, (await host.NextAsync("userLeft")).GetProperty("userId").GetString());
        Assert.False(host.TryTake("userConnectionChanged", out _));
    }

    private static void AssertConnection(JsonElement payload, string userId, bool connected)
    {
        Assert.Equal(userId, payload.GetProperty("userId").GetString());
        Assert.Equal(connected, payload.GetProperty("connected").GetBoolean());
    }
}

public sealed class RoomHubReconnectGraceSqliteTests(SqliteReconnectGraceFixture fixture) : RoomHubReconnectGraceTests, IClassFixture<SqliteReconnectGraceFixture>
{
    protected override HubServer Server => fixture.Server;
}

public sealed class RoomHubReconnectGracePostgresTests(PostgresReconnectGraceFixture fixture) : RoomHubReconnectGraceTests, IClassFixture<PostgresReconnectGraceFixture>
{
    protected override HubServer Server => fixture.Server;
}
