using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Parley.Server.Rooms;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests;

public abstract class JoinCodeTests(DatabaseFixture fixture)
{
    [Fact]
    public async Task A_thousand_rooms_get_distinct_well_formed_codes()
    {
        var owner = await fixture.App.SignUpAsync();
        var codes = new HashSet<string>(StringComparer.Ordinal);
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var rooms = scope.ServiceProvider.GetRequiredService<RoomService>();
        for (var i = 0; i < 1000; i++)
        {
            var outcome = await rooms.CreateAsync(owner.Id, $"room {i}", false, RoomSettingsPatch.None, CancellationToken.None);
            Assert.Equal(RoomOutcomeStatus.Ok, outcome.Status);
            var code = outcome.Room!.JoinCode;
            Assert.Matches("^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}$", code);
            Assert.True(codes.Add(code), $"join code {code} was handed out twice");
        }

        Assert.Equal(1000, (await rooms.ListOwnedAsync(owner.Id, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task A_colliding_code_is_retried_with_a_new_one()
    {
        var taken = new RandomJoinCodeGenerator().NewCode();
        var fresh = new RandomJoinCodeGenerator().NewCode();
        var generator = new ScriptedJoinCodeGenerator(taken, taken, taken, fresh);
        await using var app = fixture.CreateApp(services: s => s.AddSingleton<IJoinCodeGenerator>(generator));
        var owner = await app.SignUpAsync();

        var first = await owner.CreateRoomAsync("first");
        Assert.Equal(taken, first.GetProperty("joinCode").GetString());
        var second = await owner.CreateRoomAsync("second");
        Assert.Equal(fresh, second.GetProperty("joinCode").GetString());
        Assert.Equal(4, generator.Calls);

        var found = await (await owner.Client.GetAsync($"/api/rooms/join/{taken}")).ReadJsonAsync();
        Assert.Equal(first.GetProperty("id").GetString(), found.GetProperty("room").GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_unique_index_stops_a_duplicate_code_that_skipped_the_check()
    {
        var code = new RandomJoinCodeGenerator().NewCode();
        var owner = await fixture.App.SignUpAsync();
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var now = DateTime.UtcNow;
        db.Rooms.Add(new Parley.Data.Entities.Room { Name = "a", JoinCode = code, OwnerId = owner.Id, CreatedAt = now, UpdatedAt = now });
        db.Rooms.Add(new Parley.Data.Entities.Room { Name = "b", JoinCode = code, OwnerId = owner.Id, CreatedAt = now, UpdatedAt = now });
        await Assert.ThrowsAsync<Microsoft.EntityFrameworkCore.DbUpdateException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task Creation_gives_up_after_the_attempt_limit_when_every_code_is_taken()
    {
        var taken = new RandomJoinCodeGenerator().NewCode();
        var generator = new ScriptedJoinCodeGenerator(Enumerable.Repeat(taken, RoomService.MaxJoinCodeAttempts + 1).ToArray());
        await using var app = fixture.CreateApp(services: s => s.AddSingleton<IJoinCodeGenerator>(generator));
        var owner = await app.SignUpAsync();
        await owner.CreateRoomAsync("holds the code");

        await using var scope = app.Services.CreateAsyncScope();
        var rooms = scope.ServiceProvider.GetRequiredService<RoomService>();
        await Assert.ThrowsAsync<InvalidOperationException>(() => rooms.CreateAsync(owner.Id, "no code left", false, RoomSettingsPatch.None, CancellationToken.None));
        Assert.Equal(RoomService.MaxJoinCodeAttempts + 1, generator.Calls);
    }

    private sealed class ScriptedJoinCodeGenerator(params string[] codes) : IJoinCodeGenerator
    {
        private readonly ConcurrentQueue<string> _codes = new(codes);
        private int _calls;

        public int Calls => _calls;

        public string NewCode()
        {
            Interlocked.Increment(ref _calls);
            return _codes.TryDequeue(out var code) ? code : throw new InvalidOperationException("The script ran out of codes.");
        }
    }
}

public sealed class JoinCodeSqliteTests(SqliteDatabaseFixture fixture) : JoinCodeTests(fixture), IClassFixture<SqliteDatabaseFixture>;

public sealed class JoinCodePostgresTests(PostgresDatabaseFixture fixture) : JoinCodeTests(fixture), IClassFixture<PostgresDatabaseFixture>;
