using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Membership;
using Parley.Server.Tests.Hubs;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Webhooks;

/// <summary>
/// A leave the reconciler repairs (a row whose connection the server no longer has) is a leave like any other: the
/// <c>participant.left</c> webhook goes out and, the room left empty, the history session ends.
/// </summary>
public abstract class ReconcilerLeaveTests(DatabaseFixture database)
{
    [Fact]
    public async Task A_leave_repaired_by_the_reconciler_sends_participant_left_and_ends_the_session_of_the_emptied_room()
    {
        var settings = new Dictionary<string, string>(WebhookTestSettings.Fast())
        {
            ["Database:Provider"] = database.Provider,
            ["ConnectionStrings:Default"] = database.ConnectionString,
            ["Membership:ReconcileInterval"] = "00:00:00.500",
        };
        await using var receiver = await WebhookReceiver.StartNewAsync();
        await using var server = new HubServer(settings);
        var owner = await server.RegisterAsync("Olivia");
        await server.RegisterWebhookAsync(owner, receiver.Url, ["participant.joined", "participant.left", "meeting.ended"]);
        var roomId = await server.CreateRoomAsync(owner);
        await using var host = await server.ConnectAsync(owner);
        await host.JoinAsync(roomId);
        await receiver.WaitForDeliveredAsync(1);
        await Eventually.HoldsAsync(
            () => server.QueryAsync(db => db.MeetingSessions.AnyAsync(s => s.RoomId == roomId && s.EndedAt == null)), "the session is open");

        // The server loses the connection without the leave being written: the row is left without a connection.
        Assert.True(server.Services.GetRequiredService<ConnectionRegistry>().Leave(host.Connection.ConnectionId!, out _));

        var delivered = await receiver.WaitForDeliveredAsync(3);
        Assert.Equal(["participant.joined", "participant.left", "meeting.ended"], delivered.Select(d => d.Type));
        Assert.Equal(owner.UserId, delivered[1].Json.GetProperty("data").GetProperty("userId").GetString());
        await server.WaitForRowsAsync(roomId, []);
        await Eventually.HoldsAsync(
            () => server.QueryAsync(db => db.MeetingSessions.AnyAsync(s => s.RoomId == roomId && s.EndedAt != null)), "the session has ended");
        Assert.False(await server.QueryAsync(db => db.Attendances.AnyAsync(a => a.UserId == owner.UserId && a.PresentSince != null)));
    }
}

public sealed class ReconcilerLeaveSqliteTests(SqliteDatabaseFixture database) : ReconcilerLeaveTests(database), IClassFixture<SqliteDatabaseFixture>;

public sealed class ReconcilerLeavePostgresTests(PostgresDatabaseFixture database) : ReconcilerLeaveTests(database), IClassFixture<PostgresDatabaseFixture>;
