using static Microsoft.Playwright.Assertions;

namespace Parley.EndToEnd.Tests;

/// <summary>A room that requires access: the host admits, denies, and sees a knock withdrawn.</summary>
[Collection(MeetingCollection.Name)]
public sealed class WaitingRoomTests(MeetingFixture fixture)
{
    [Fact]
    public async Task The_host_admits_one_denies_another_and_sees_a_withdrawn_knock_disappear()
    {
        await using var host = await fixture.OpenAsync("Host");
        await using var bob = await fixture.OpenAsync("Bob");
        await using var carol = await fixture.OpenAsync("Carol");
        await using var dave = await fixture.OpenAsync("Dave");
        await host.SignUpAsync();
        var joinCode = await host.CreateRoomAsync(waitingRoom: true);
        await host.EnterCreatedRoomAsync();

        await bob.SignUpAsync();
        await bob.JoinByCodeAsync(joinCode, expectedStatus: "waiting");
        await Expect(bob.ByTestId("waiting")).ToBeVisibleAsync();
        var bobId = await RequestAsync(host, bob.Name);
        await host.ByTestId($"admit-{bobId}").ClickAsync();
        await bob.WaitForStatusAsync("joined");
        Assert.Equal(bobId, bob.UserId);
        await Expect(host.ByTestId($"join-request-{bobId}")).ToHaveCountAsync(0);
        await Expect(host.TileOf(bob)).ToHaveCountAsync(1);

        await carol.JoinAsGuestAsync(joinCode, expectedStatus: "waiting");
        var carolId = await RequestAsync(host, carol.Name);
        await host.ByTestId($"deny-{carolId}").ClickAsync();
        await Expect(carol.ByTestId("message-view")).ToHaveAttributeAsync("data-reason", "denied");
        await Expect(host.ByTestId($"join-request-{carolId}")).ToHaveCountAsync(0);
        Assert.Null(await fixture.Server.RoomUserRowAsync(host.RoomId!, carolId));

        // A knock withdrawn before the host decides leaves the host's list (joinRequestCancelled).
        await dave.JoinAsGuestAsync(joinCode, expectedStatus: "waiting");
        var daveId = await RequestAsync(host, dave.Name);
        await dave.ByTestId("btn-cancel-waiting").ClickAsync();
        await Expect(host.ByTestId($"join-request-{daveId}")).ToHaveCountAsync(0);
        await Expect(host.Page.GetByTestId("tile")).ToHaveCountAsync(2);
    }

    /// <summary>The user id of the pending request the host sees for <paramref name="name"/>.</summary>
    private static async Task<string> RequestAsync(Participant host, string name)
    {
        var request = host.Page.Locator("[data-testid^='join-request-']", new() { HasText = name });
        await request.WaitForAsync();
        return (await request.GetAttributeAsync("data-user-id"))!;
    }
}
