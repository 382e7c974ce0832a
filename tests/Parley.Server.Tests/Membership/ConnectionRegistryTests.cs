using Parley.Server.Membership;

namespace Parley.Server.Tests.Membership;

public sealed class ConnectionRegistryTests
{
    private readonly ConnectionRegistry _registry = new();

    [Fact]
    public void A_new_connection_is_in_no_room()
    {
        _registry.Add("c1", "alice");

        var info = _registry.Find("c1")!;

        Assert.Equal("alice", info.UserId);
        Assert.Null(info.RoomId);
        Assert.False(info.IsJoined);
    }

    [Fact]
    public void Joining_places_the_connection_as_the_users_member_connection()
    {
        _registry.Add("c1", "alice");

        Assert.True(_registry.TryJoin("r1", "c1", isHost: true, out var replaced));

        Assert.Null(replaced);
        Assert.Equal("c1", _registry.GetMemberConnection("r1", "alice"));
        Assert.Equal(["c1"], _registry.GetHostConnections("r1"));
        Assert.True(_registry.Find("c1")!.IsJoined);
    }

    [Fact]
    public void A_second_connection_of_the_same_user_replaces_the_first()
    {
        _registry.Add("old", "alice");
        _registry.Add("new", "alice");
        _registry.TryJoin("r1", "old", isHost: false, out _);

        _registry.TryJoin("r1", "new", isHost: false, out var replaced);

        Assert.Equal("old", replaced);
        Assert.Equal("new", _registry.GetMemberConnection("r1", "alice"));
        Assert.Null(_registry.Find("old")!.RoomId);
        Assert.Equal(["alice"], _registry.GetMemberUserIds("r1"));
    }

    [Fact]
    public void Every_change_of_who_is_in_a_room_is_recorded_in_order_for_the_projections()
    {
        _registry.Add("old", "alice");
        _registry.Add("new", "alice");
        _registry.Add("waiter", "bob");
        _registry.TryJoin("r1", "old", isHost: false, out _);
        _registry.TryStartWaiting("r1", "waiter", "Bob", out _);
        _registry.TryJoin("r1", "new", isHost: false, out _);
        _registry.Leave("new", out _);
        _registry.StopWaiting("waiter", out _);

        MembershipChange[] expected =
        [
            new MemberJoined("r1", "old", "alice"), new MemberLeft("r1", "old", "alice"), new MemberJoined("r1", "new", "alice"),
            new MemberLeft("r1", "new", "alice"), new RoomVacated("r1"),
        ];
        Assert.Equal(expected, _registry.TakeChanges("r1"));
        Assert.Empty(_registry.TakeChanges("r1"));
    }

    [Fact]
    public void Closing_a_room_records_every_member_leaving_and_the_room_vacated()
    {
        _registry.Add("c1", "alice");
        _registry.Add("c2", "bob");
        _registry.TryJoin("r1", "c1", isHost: true, out _);
        _registry.TryJoin("r1", "c2", isHost: false, out _);
        _ = _registry.TakeChanges("r1");

        _registry.Close("r1");

        var changes = _registry.TakeChanges("r1");
        MemberLeft[] left = [new MemberLeft("r1", "c1", "alice"), new MemberLeft("r1", "c2", "bob")];
        Assert.Equal(left, changes.OfType<MemberLeft>().OrderBy(c => c.ConnectionId, StringComparer.Ordinal));
        Assert.Equal(new RoomVacated("r1"), changes[^1]);
    }

    [Fact]
    public void Joining_another_room_leaves_the_first()
    {
        _registry.Add("c1", "alice");
        _registry.TryJoin("r1", "c1", isHost: false, out _);

        _registry.TryJoin("r2", "c1", isHost: false, out _);

        Assert.True(_registry.IsVacant("r1"));
        Assert.Equal("r2", _registry.Find("c1")!.RoomId);
    }

    [Fact]
    public void Leave_frees_the_place_and_a_vacant_room_is_forgotten()
    {
        _registry.Add("c1", "alice");
        _registry.TryJoin("r1", "c1", isHost: false, out _);

        Assert.True(_registry.Leave("c1", out var roomId));

        Assert.Equal("r1", roomId);
        Assert.True(_registry.IsVacant("r1"));
        Assert.False(_registry.Leave("c1", out _));
    }

    [Fact]
    public void A_replaced_connection_leaving_does_not_take_the_newer_ones_place()
    {
        _registry.Add("old", "alice");
        _registry.Add("new", "alice");
        _registry.TryJoin("r1", "old", isHost: false, out _);
        _registry.TryJoin("r1", "new", isHost: false, out _);

        Assert.False(_registry.Leave("old", out _));

        Assert.Equal("new", _registry.GetMemberConnection("r1", "alice"));
    }

    [Fact]
    public void Waiting_users_are_listed_once_each_in_arrival_order()
    {
        _registry.Add("b1", "bob");
        _registry.Add("b2", "bob");
        _registry.Add("c1", "carol");

        Assert.True(_registry.TryStartWaiting("r1", "b1", "Bob", out var bobIsNew));
        _registry.TryStartWaiting("r1", "c1", "Carol", out var carolIsNew);
        _registry.TryStartWaiting("r1", "b2", "Bob", out var bobAgainIsNew);

        Assert.True(bobIsNew);
        Assert.True(carolIsNew);
        Assert.False(bobAgainIsNew);
        Assert.Equal([new WaitingUser("bob", "Bob"), new WaitingUser("carol", "Carol")], _registry.GetWaiting("r1"));
        Assert.True(_registry.Find("b1")!.IsWaiting);
        Assert.False(_registry.Find("b1")!.IsJoined);
    }

    [Fact]
    public void Stop_waiting_names_the_user_only_when_their_last_connection_stops()
    {
        _registry.Add("b1", "bob");
        _registry.Add("b2", "bob");
        _registry.TryStartWaiting("r1", "b1", "Bob", out _);
        _registry.TryStartWaiting("r1", "b2", "Bob", out _);

        Assert.Null(_registry.StopWaiting("b1", out var roomId));
        Assert.Equal("r1", roomId);
        Assert.Equal(new WaitingUser("bob", "Bob"), _registry.StopWaiting("b2", out _));
        Assert.True(_registry.IsVacant("r1"));
    }

    [Fact]
    public void Release_waiting_returns_every_connection_of_the_user()
    {
        _registry.Add("b1", "bob");
        _registry.Add("b2", "bob");
        _registry.Add("c1", "carol");
        _registry.TryStartWaiting("r1", "b1", "Bob", out _);
        _registry.TryStartWaiting("r1", "b2", "Bob", out _);
        _registry.TryStartWaiting("r1", "c1", "Carol", out _);

        var released = _registry.ReleaseWaiting("r1", "bob");

        Assert.Equal(["b1", "b2"], released);
        Assert.Equal([new WaitingUser("carol", "Carol")], _registry.GetWaiting("r1"));
        Assert.Null(_registry.Find("b1")!.RoomId);
    }

    [Fact]
    public void Joining_from_the_waiting_queue_takes_the_connection_out_of_it()
    {
        _registry.Add("b1", "bob");
        _registry.TryStartWaiting("r1", "b1", "Bob", out _);

        _registry.TryJoin("r1", "b1", isHost: false, out _);

        Assert.Empty(_registry.GetWaiting("r1"));
        Assert.True(_registry.Find("b1")!.IsJoined);
    }

    [Fact]
    public void Close_empties_the_room_and_names_everyone_who_was_there()
    {
        _registry.Add("a1", "alice");
        _registry.Add("b1", "bob");
        _registry.TryJoin("r1", "a1", isHost: true, out _);
        _registry.TryStartWaiting("r1", "b1", "Bob", out _);

        var closed = _registry.Close("r1");

        Assert.Equal([new MemberConnection("a1", "alice")], closed.Members);
        Assert.Equal(["b1"], closed.WaitingConnections);
        Assert.True(_registry.IsVacant("r1"));
        Assert.Null(_registry.Find("a1")!.RoomId);
        Assert.Null(_registry.Find("b1")!.RoomId);
    }

    [Fact]
    public void A_closing_connection_can_neither_join_nor_wait()
    {
        _registry.Add("c1", "alice");
        _registry.MarkClosing("c1");

        Assert.False(_registry.TryJoin("r1", "c1", isHost: false, out _));
        Assert.False(_registry.TryStartWaiting("r1", "c1", "Alice", out _));
        Assert.True(_registry.IsVacant("r1"));
    }

    [Fact]
    public void An_unknown_connection_can_neither_join_nor_wait()
    {
        Assert.False(_registry.TryJoin("r1", "ghost", isHost: false, out _));
        Assert.False(_registry.TryStartWaiting("r1", "ghost", "Ghost", out _));
        Assert.Null(_registry.Find("ghost"));
    }

    [Fact]
    public void Removed_connections_are_forgotten()
    {
        _registry.Add("c1", "alice");

        _registry.Remove("c1");

        Assert.Null(_registry.Find("c1"));
        Assert.Equal(0, _registry.ConnectionCount);
    }
}
