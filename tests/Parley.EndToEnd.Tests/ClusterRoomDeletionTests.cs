using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Parley.EndToEnd.Tests;

/// <summary>
/// Three Parley processes on one real PostgreSQL and one real Redis. Two people open node A and meet on node B, where
/// the room is placed; its owner then deletes the room on the home page of node C, which does not hold it, and both
/// meeting pages on B see the room closed.
/// </summary>
[Collection(MeetingCollection.Name)]
public sealed class ClusterRoomDeletionTests(MeetingFixture fixture) : IAsyncLifetime
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Within = new() { Timeout = 30_000 };

    private readonly ClusterProcesses _cluster = new();

    public Task InitializeAsync() => Task.CompletedTask;

    // xUnit 2 ends a test class through IAsyncLifetime, not IAsyncDisposable: the processes must be stopped here.
    public Task DisposeAsync() => _cluster.DisposeAsync().AsTask();

    [Fact]
    public async Task A_room_deleted_through_a_third_node_closes_the_meeting_on_the_node_that_holds_it()
    {
        // Equal load is settled by the node id: the first room goes to "node-1", which is B.
        var nodes = await _cluster.StartAsync("node-2", "node-1", "node-3");
        var (nodeA, nodeC) = (nodes[0], nodes[2]);

        var log = new ServerLog();
        await using var alice = await fixture.OpenAsync("Alice", nodeA.BaseAddress, log);
        await using var bob = await fixture.OpenAsync("Bob", nodeA.BaseAddress, log);
        await using var aliceAtC = await fixture.OpenAsync("Alice at C", nodeC.BaseAddress, log);
        try
        {
            await alice.SignUpAsync();
            var joinCode = await alice.CreateRoomAsync();
            await alice.EnterCreatedRoomAsync();
            await bob.SignUpAsync();
            await bob.JoinByCodeAsync(joinCode);
            await alice.WaitForCameraAndMicAsync(bob);
            await bob.WaitForCameraAndMicAsync(alice);
            Assert.Equal(["node-1", "node-1"], await _cluster.RowNodesAsync());

            // The owner, signed in on node C in another browser, deletes the room from her list (and confirms).
            await aliceAtC.SignInAsync(alice.Email!);
            aliceAtC.Page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
            var card = aliceAtC.Page.Locator($"[data-testid=room-item][data-room-id='{alice.RoomId}']");
            await card.GetByTestId("btn-delete-room").ClickAsync();
            await Expect(card).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"{e.Message}\nAlice: {alice.ConsoleTail}\nBob: {bob.ConsoleTail}\nAlice at C: {aliceAtC.ConsoleTail}\n{_cluster.Tails()}");
        }

        foreach (var person in new[] { alice, bob })
        {
            await Expect(person.ByTestId("message-view")).ToHaveAttributeAsync("data-reason", "roomClosed", Within);
        }

        Assert.Empty(await _cluster.RowNodesAsync());
    }
}
