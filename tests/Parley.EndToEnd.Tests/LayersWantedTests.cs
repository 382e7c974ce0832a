using System.Text.Json;

namespace Parley.EndToEnd.Tests;

/// <summary>
/// <c>producerLayersWanted</c> end to end: when the only receiver of a simulcast camera wants layer 0, the sending
/// Chromium stops encoding the upper encodings (the web client sets <c>encodings[i].active = false</c>), and starts
/// again when the receiver wants the top layer.
/// </summary>
[Collection(MeetingCollection.Name)]
public sealed class LayersWantedTests(MeetingFixture fixture)
{
    [Fact]
    public async Task A_camera_whose_only_receiver_wants_layer_0_stops_sending_the_top_encoding_and_resumes_when_it_is_wanted()
    {
        await using var alice = await fixture.OpenAsync("Alice");
        await using var bob = await fixture.OpenAsync("Bob");
        await alice.SignUpAsync();
        var joinCode = await alice.CreateRoomAsync();
        await alice.EnterCreatedRoomAsync();
        await bob.JoinAsGuestAsync(joinCode);

        // A small window on Bob's side: Alice's tile asks for layer 0, so after the server's hold her r1 and r2 are unwanted.
        await bob.Page.SetViewportSizeAsync(480, 400);
        await bob.WaitForCameraAsync(alice, c => c is { SpatialLayer: 0, FramesDecoded: > 0 }, "layer 0 decoded", TimeSpan.FromSeconds(40));
        var stopped = await WaitForSentAsync(alice, s => s.TryGetValue("r2", out var r2) && !r2.Active && s["r1"].Active is false && s["r0"].Active, "r1 and r2 inactive", TimeSpan.FromSeconds(30));

        // Stopped means stopped: no bytes for r2 over a while, while r0 keeps going.
        var later = await WaitForSentAsync(alice, s => s["r0"].BytesSent > stopped["r0"].BytesSent + 10_000, "r0 to keep sending", TimeSpan.FromSeconds(20));
        Assert.Equal(stopped["r2"].BytesSent, later["r2"].BytesSent);

        // A large window: the top layer is wanted again at once, and Chromium sends it again (once its estimate allows it;
        // on a loaded machine that takes a while, hence the patience).
        await bob.Page.SetViewportSizeAsync(1920, 1080);
        await WaitForSentAsync(alice, s => s["r2"].Active && s["r1"].Active, "r1 and r2 active again", TimeSpan.FromSeconds(20));
        await WaitForSentAsync(alice, s => s["r2"].BytesSent > later["r2"].BytesSent, "r2 to send again", TimeSpan.FromSeconds(60));
    }

    private static async Task<Dictionary<string, SentEncoding>> WaitForSentAsync(
        Participant sender, Func<Dictionary<string, SentEncoding>, bool> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = new Dictionary<string, SentEncoding>();
        while (DateTime.UtcNow < deadline)
        {
            last = await SentAsync(sender);
            if (last.Count == 3 && condition(last))
            {
                return last;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"Waited {timeout.TotalSeconds} s for {what}; last: {JsonSerializer.Serialize(last)}; {await sender.SentCameraAsync()}");
        return last;
    }

    /// <summary>The camera sender's encodings: whether each is active (the sender's parameters) and its bytes sent.</summary>
    private static async Task<Dictionary<string, SentEncoding>> SentAsync(Participant sender)
    {
        var json = await sender.Page.EvaluateAsync<string>("""
            async () => {
              const parley = window.parley;
              const out = {};
              if (!parley) return JSON.stringify(out);
              for (const producer of parley.producers.values()) {
                if (producer.kind !== 'video' || producer.appData.source !== 'cam' || !producer.rtpSender) continue;
                const active = {};
                for (const e of producer.rtpSender.getParameters().encodings) active[e.rid] = e.active !== false;
                (await producer.getStats()).forEach((s) => {
                  if (s.type === 'outbound-rtp' && s.rid in active) out[s.rid] = { active: active[s.rid], bytesSent: s.bytesSent ?? 0 };
                });
              }
              return JSON.stringify(out);
            }
            """);
        return JsonSerializer.Deserialize<Dictionary<string, SentEncoding>>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? [];
    }

    private sealed record SentEncoding(bool Active, long BytesSent);
}
