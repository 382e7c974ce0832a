using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Membership;
using Parley.Server.RoomMedia;
using Parley.Server.Tests.Hubs;
using Xunit.Abstractions;

namespace Parley.Server.Tests.Membership;

/// <summary>
/// The one authority for live membership and what is derived from it: a seeded random run of joins, second tabs,
/// leaves, lost connections (back within the grace, or not), removals, waiting-room admissions and denials, ended
/// meetings, deleted rooms and drains through the real hub, after each of which the registry (the authority), the
/// <c>room_user</c> rows, the SignalR groups (seen from the clients: who receives a room's event) and the media
/// peers must agree.
/// </summary>
public abstract class MembershipAgreementTests(ITestOutputHelper output)
{
    private const int Steps = 80;
    private const int MaxLiveTabs = 10;

    protected abstract HubServer Server { get; }

    private enum Step
    {
        OpenTab,
        JoinAgain,
        Leave,
        Drop,
        WaitForGraceEnd,
        Remove,
        Admit,
        Deny,
        EndMeeting,
        DeleteRoom,
        Drain,
    }

    /// <summary>How often each step is drawn: mostly comings and goings, now and then the room emptied at once.</summary>
    private static readonly (Step Step, int Weight)[] Weights =
    [
        (Step.OpenTab, 6), (Step.JoinAgain, 4), (Step.Leave, 2), (Step.Drop, 3), (Step.WaitForGraceEnd, 2), (Step.Remove, 2),
        (Step.Admit, 3), (Step.Deny, 2), (Step.EndMeeting, 1), (Step.DeleteRoom, 1), (Step.Drain, 1),
    ];

    [Theory]
    [InlineData(20261205)]
    [InlineData(1312)]
    [InlineData(77)]
    public async Task Registry_rows_groups_and_media_agree_after_every_step(int seed)
    {
        var run = new Run(Server, new Random(seed));
        await run.StartAsync();
        var taken = new Dictionary<Step, int>();
        try
        {
            for (var i = 0; i < Steps; i++)
            {
                var step = Draw(run.Random);
                taken[step] = taken.GetValueOrDefault(step) + 1;
                await run.TakeAsync(step);
                await run.AssertAgreementAsync($"seed {seed}, step {i} ({step})");
            }

            // Whatever is still held ends too, and the rooms agree once everyone is gone.
            await run.TakeAsync(Step.WaitForGraceEnd);
            await run.AssertAgreementAsync($"seed {seed}, after the last grace");
        }
        finally
        {
            output.WriteLine(string.Join(", ", taken.OrderBy(t => t.Key).Select(t => $"{t.Key}: {t.Value}")));
            output.WriteLine($"joined {run.Joins}, replaced {run.Replacements} (back within the grace {run.Returns}), waited {run.Waits}, refused {run.Refusals}");
            await run.DisposeAsync();
        }

        // The run covered what it is for (the seeds are fixed, so this is a check of the seeds, not luck).
        Assert.True(run.Joins > 0 && run.Replacements > 0 && run.Waits > 0, "The seed drove no joins, replacements or waits.");
        Assert.Equal(Enum.GetValues<Step>().Length, taken.Count);
    }

    private static Step Draw(Random random)
    {
        var at = random.Next(Weights.Sum(w => w.Weight));
        foreach (var (step, weight) in Weights)
        {
            if ((at -= weight) < 0)
            {
                return step;
            }
        }

        throw new InvalidOperationException("Unreachable: the draw is below the total weight.");
    }

    /// <summary>One random run: a room with a waiting room, its owner and three guests, each with up to two tabs.</summary>
    private sealed class Run(HubServer server, Random random) : IAsyncDisposable
    {
        private readonly List<Tab> _tabs = [];
        private readonly List<string> _rooms = [];
        private readonly List<TestUser> _guests = [];
        private TestUser _owner = null!;
        private int _probes;

        public Random Random => random;

        public int Joins { get; private set; }

        public int Replacements { get; private set; }

        public int Returns { get; private set; }

        public int Waits { get; private set; }

        public int Refusals { get; private set; }

        private string RoomId => _rooms[^1];

        private IEnumerable<Tab> LiveTabs => _tabs.Where(t => t.Live);

        public async Task StartAsync()
        {
            _owner = await server.RegisterAsync("Owner");
            for (var i = 0; i < 3; i++)
            {
                _guests.Add(await server.GuestAsync($"Guest {i}"));
            }

            _rooms.Add(await server.CreateRoomAsync(_owner, requireAccessBeforeJoining: true));
        }

        public async Task TakeAsync(Step step)
        {
            switch (step)
            {
                case Step.OpenTab:
                    await OpenTabAsync(Pick<TestUser>([_owner, .. _guests]));
                    break;
                case Step.JoinAgain when PickOrNull(LiveTabs) is { } tab:
                    await JoinAsync(tab);
                    break;
                case Step.Leave when PickOrNull(LiveTabs) is { } tab:
                    await CallAsync(tab, "leaveRoom", new { });
                    break;
                case Step.Drop when PickOrNull(LiveTabs) is { } tab:
                    tab.Live = false;
                    await tab.Client.DisposeAsync();
                    break;
                case Step.WaitForGraceEnd:
                    foreach (var tab in _tabs.Where(t => !t.Live))
                    {
                        await server.WaitForConnectionGoneAsync(tab.ConnectionId);
                    }

                    break;
                case Step.Remove:
                    await AsHostAsync(host => CallAsync(host, "removeUser", new { userId = Pick(_guests).UserId }));
                    break;
                case Step.Admit:
                    await AsHostAsync(async host =>
                    {
                        var waiting = Registry.GetWaiting(RoomId);
                        var userId = waiting.Count > 0 ? Pick(waiting).UserId : Pick(_guests).UserId;
                        if (await CallAsync(host, "admitUser", new { userId }))
                        {
                            // What the web client does on admitted: join again.
                            foreach (var tab in LiveTabs.Where(t => t.User.UserId == userId && Registry.Find(t.ConnectionId)?.IsWaiting == true).ToList())
                            {
                                await JoinAsync(tab);
                            }
                        }
                    });
                    break;
                case Step.Deny:
                    await AsHostAsync(host =>
                    {
                        var waiting = Registry.GetWaiting(RoomId);
                        return CallAsync(host, "denyUser", new { userId = waiting.Count > 0 ? Pick(waiting).UserId : Pick(_guests).UserId });
                    });
                    break;
                case Step.EndMeeting:
                    await AsHostAsync(host => CallAsync(host, "endMeeting", new { }));
                    break;
                case Step.DeleteRoom:
                    await server.DeleteRoomAsync(_owner, RoomId);
                    _rooms.Add(await server.CreateRoomAsync(_owner, requireAccessBeforeJoining: true));
                    break;
                case Step.Drain:
                    // The node drain's emptying (the server stays up): every room here emptied, everyone told to reconnect.
                    await server.Services.GetRequiredService<ServerDrain>().SendEveryoneAwayAsync(_ => Task.CompletedTask);
                    break;
            }
        }

        /// <summary>
        /// Under each room's lock (so no membership change is half seen): the rows and the media peers are the
        /// registry's members, and a room event reaches exactly the live tabs that the registry has in the room.
        /// </summary>
        public async Task AssertAgreementAsync(string where)
        {
            var locks = server.Services.GetRequiredService<RoomLocks>();
            var events = server.Services.GetRequiredService<RoomEvents>();
            var media = server.Services.GetRequiredService<MediaRooms>();
            var probes = new Dictionary<string, HashSet<string>>();
            foreach (var roomId in _rooms)
            {
                using (await locks.AcquireAsync(roomId))
                {
                    var members = Registry.GetMemberUserIds(roomId)
                        .ToDictionary(userId => Registry.GetMemberConnection(roomId, userId)!, userId => userId);
                    var rows = await server.QueryAsync(db => db.RoomUsers.AsNoTracking().Where(r => r.RoomId == roomId).Select(r => r.UserId).ToListAsync());
                    Assert.True(
                        rows.Order(StringComparer.Ordinal).SequenceEqual(members.Values.Order(StringComparer.Ordinal)),
                        $"{where}: room {roomId} has rows for [{string.Join(", ", rows)}] but members [{string.Join(", ", members.Values)}]");

                    var peers = media.FindRoom(roomId)?.Peers.Keys.ToHashSet() ?? [];
                    var stray = peers.Where(p => !members.ContainsKey(p)).ToList();
                    Assert.True(stray.Count == 0, $"{where}: room {roomId} has media for connections not in it: {string.Join(", ", stray)}");
                    var missing = _tabs.Where(t => t.HasTransport && members.ContainsKey(t.ConnectionId) && !peers.Contains(t.ConnectionId)).ToList();
                    Assert.True(missing.Count == 0, $"{where}: room {roomId} lost the media of members {string.Join(", ", missing.Select(t => t.ConnectionId))}");

                    var probe = $"probe-{++_probes}";
                    await events.ToRoomAsync(roomId, "reaction", new { userId = probe, emoji = "probe" });
                    probes[probe] = [.. members.Keys];
                }
            }

            // A connection's messages arrive in order: once the fence is there, a probe sent to its group before it is too.
            var fence = $"fence-{++_probes}";
            foreach (var tab in LiveTabs)
            {
                await events.ToConnectionAsync(tab.ConnectionId, "reaction", new { userId = fence, emoji = "fence" });
            }

            foreach (var tab in LiveTabs)
            {
                var received = new HashSet<string>();
                while ((await tab.Client.NextAsync("reaction")).GetProperty("userId").GetString() is { } seen && seen != fence)
                {
                    received.Add(seen);
                }

                var expected = probes.Where(p => p.Value.Contains(tab.ConnectionId)).Select(p => p.Key).ToHashSet();
                Assert.True(
                    received.SetEquals(expected),
                    $"{where}: {tab.User.Name}'s tab {tab.ConnectionId} got room events [{string.Join(", ", received)}], expected [{string.Join(", ", expected)}]");
            }

            // A tab out of every room has no media anywhere any more (it needs a new transport once back in).
            foreach (var tab in _tabs.Where(t => Registry.Find(t.ConnectionId) is not { IsJoined: true }))
            {
                tab.HasTransport = false;
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var tab in LiveTabs)
            {
                await tab.Client.DisposeAsync();
            }
        }

        private ConnectionRegistry Registry => server.Services.GetRequiredService<ConnectionRegistry>();

        private async Task OpenTabAsync(TestUser user)
        {
            if (LiveTabs.Count() >= MaxLiveTabs)
            {
                var closing = Pick(LiveTabs);
                closing.Live = false;
                await closing.Client.DisposeAsync();
            }

            var client = await server.ConnectAsync(user);
            var tab = new Tab(user, client, client.Connection.ConnectionId!);
            _tabs.Add(tab);
            await JoinAsync(tab);
        }

        private async Task JoinAsync(Tab tab)
        {
            var before = Registry.GetMemberConnection(RoomId, tab.User.UserId);
            JsonElement result;
            try
            {
                result = await tab.Client.JoinAsync(RoomId);
            }
            catch (HubException)
            {
                Refusals++;
                return;
            }

            if (result.TryGetProperty("status", out var status) && status.GetString() == "waiting")
            {
                Waits++;
                return;
            }

            Joins++;
            if (before is not null && before != tab.ConnectionId)
            {
                Replacements++;
                Returns += _tabs.Any(t => t.ConnectionId == before && !t.Live) ? 1 : 0;
            }

            if (random.Next(3) > 0)
            {
                await tab.Client.InvokeAsync("createWebRtcTransport", new { producing = true, consuming = true });
                tab.HasTransport = true;
            }
        }

        /// <summary>Runs a host's call from a tab of the owner's in the room, bringing one in first if there is none.</summary>
        private async Task AsHostAsync(Func<Tab, Task> call)
        {
            var host = LiveTabs.FirstOrDefault(t => t.User == _owner && Registry.Find(t.ConnectionId) is { IsJoined: true } at && at.RoomId == RoomId);
            if (host is null)
            {
                await OpenTabAsync(_owner);
                return;
            }

            await call(host);
        }

        /// <summary>A hub call that may be refused (a refusal is a normal outcome here); true when it was not.</summary>
        private async Task<bool> CallAsync(Tab tab, string method, object argument)
        {
            try
            {
                await tab.Client.InvokeAsync(method, argument);
                return true;
            }
            catch (HubException)
            {
                Refusals++;
                return false;
            }
        }

        private T Pick<T>(IEnumerable<T> items)
        {
            var list = items.ToList();
            return list[random.Next(list.Count)];
        }

        private T? PickOrNull<T>(IEnumerable<T> items)
            where T : class
        {
            var list = items.ToList();
            return list.Count == 0 ? null : list[random.Next(list.Count)];
        }
    }

    private sealed class Tab(TestUser user, HubClient client, string connectionId)
    {
        public TestUser User { get; } = user;

        public HubClient Client { get; } = client;

        public string ConnectionId { get; } = connectionId;

        public bool Live { get; set; } = true;

        public bool HasTransport { get; set; }
    }
}

/// <summary>Places held for 1 s, so that a run sees lost connections both come back and run out.</summary>
public sealed class MembershipAgreementFixture() : HubServerFixture(
    new Infrastructure.SqliteDatabaseFixture(), new Dictionary<string, string> { ["Membership:ReconnectGrace"] = "00:00:01" });

public sealed class MembershipAgreementSqliteTests(MembershipAgreementFixture fixture, ITestOutputHelper output)
    : MembershipAgreementTests(output), IClassFixture<MembershipAgreementFixture>
{
    protected override HubServer Server => fixture.Server;
}
