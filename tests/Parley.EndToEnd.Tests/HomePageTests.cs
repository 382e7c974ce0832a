using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace Parley.EndToEnd.Tests;

/// <summary>Sign-up, rooms and join codes on the home page: no media involved.</summary>
[Collection(MeetingCollection.Name)]
public sealed partial class HomePageTests(MeetingFixture fixture)
{
    [Fact]
    public async Task A_created_room_is_listed_and_its_invite_link_opens_its_prejoin_screen()
    {
        await using var alice = await fixture.OpenAsync("Alice");
        await alice.SignUpAsync();
        var joinCode = await alice.CreateRoomAsync();
        Assert.Matches(JoinCode(), joinCode);
        await Expect(alice.ByTestId("room-list").GetByTestId("room-item")).ToHaveCountAsync(1);

        await alice.ByTestId("created-room").GetByTestId("btn-copy-link").ClickAsync();
        var link = await alice.Page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.Equal(new Uri(fixture.Server.BaseAddress, $"/r/{joinCode}").ToString(), link);

        await using var bob = await fixture.OpenAsync("Bob");
        await bob.Page.GotoAsync(link);
        await Expect(bob.ByTestId("tab-guest")).ToHaveAttributeAsync("aria-selected", "true");
        await bob.ByTestId("guest-name").FillAsync(bob.Name);
        await bob.ByTestId("btn-guest").ClickAsync();
        await Expect(bob.ByTestId("prejoin-room-name")).ToHaveTextAsync($"Room of {alice.Name}");
        await Expect(bob.ByTestId("preview")).ToBeVisibleAsync();
        await Expect(bob.ByTestId("btn-join")).ToBeEnabledAsync();
        await Expect(bob.ByTestId("media-problem")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Join_codes_that_are_malformed_or_unknown_say_so()
    {
        await using var alice = await fixture.OpenAsync("Alice");
        await alice.SignUpAsync();

        await alice.ByTestId("join-code-input").FillAsync("hello");
        await alice.ByTestId("btn-join-code").ClickAsync();
        await Expect(alice.ByTestId("join-error")).ToBeVisibleAsync();
        await Expect(alice.ByTestId("home-view")).ToBeVisibleAsync();

        // Well-formed but (in a database holding a handful of rooms) nobody's.
        await alice.ByTestId("join-code-input").FillAsync("ZZZZZZ");
        await alice.ByTestId("btn-join-code").ClickAsync();
        await Expect(alice.ByTestId("message-view")).ToHaveAttributeAsync("data-reason", "roomNotFound");
        await alice.ByTestId("btn-home").ClickAsync();
        await Expect(alice.ByTestId("home-view")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_guest_can_join_but_not_create_rooms()
    {
        await using var guest = await fixture.OpenAsync("Guest");
        await guest.Page.GotoAsync("/");
        await guest.ByTestId("tab-guest").ClickAsync();
        await guest.ByTestId("guest-name").FillAsync(guest.Name);
        await guest.ByTestId("btn-guest").ClickAsync();
        await Expect(guest.ByTestId("user-name")).ToHaveTextAsync($"{guest.Name} (guest)");
        await Expect(guest.ByTestId("join-code-input")).ToBeVisibleAsync();
        await Expect(guest.ByTestId("btn-create-room")).Not.ToBeVisibleAsync();
    }

    [GeneratedRegex("^[A-HJ-NP-Z2-9]{6}$")]
    private static partial Regex JoinCode();
}
