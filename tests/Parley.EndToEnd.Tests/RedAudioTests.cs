using System.Text.Json;

namespace Parley.EndToEnd.Tests;

/// <summary>
/// Opus RED from a real Chromium through the SFU to another Chromium. mediasoup-client sends one codec only (its
/// <c>reduceCodecs</c> keeps opus), so the sending page is made to send RED the way a RED-aware client would: its
/// transport's SDP answer lists <c>red/48000/2</c> (fmtp <c>111/111</c>) before opus, and its <c>produce</c> call
/// declares the RED codec. The receiving page is sent the primary encoding as plain opus: Chromium refuses RED in an
/// offer whose fmtp does not name the primary, which mediasoup-client cannot write.
/// </summary>
[Collection(MeetingCollection.Name)]
public sealed class RedAudioTests(MeetingFixture fixture)
{
    private const string SendRed = """
        (() => {
          const RED = 63;
          const setRemote = RTCPeerConnection.prototype.setRemoteDescription;
          RTCPeerConnection.prototype.setRemoteDescription = function (description) {
            if (description && description.type === 'answer' && /m=audio [^\r\n]* 111/.test(description.sdp)) {
              const sdp = description.sdp
                .replace(/(m=audio [^ ]+ [^ ]+) 111/, `$1 ${RED} 111`)
                .replace(/(a=rtpmap:111 opus\/48000\/2\r\n)/, `$1a=rtpmap:${RED} red/48000/2\r\na=fmtp:${RED} 111/111\r\n`);
              window.parleyRedAnswered = true;
              return setRemote.call(this, { type: 'answer', sdp });
            }
            return setRemote.apply(this, arguments);
          };
          const send = WebSocket.prototype.send;
          WebSocket.prototype.send = function (data) {
            if (typeof data === 'string' && data.includes('"target":"produce"')) {
              data = data.split('\u001e').map((record) => {
                if (!record.includes('"target":"produce"')) return record;
                const message = JSON.parse(record);
                const argument = message.arguments && message.arguments[0];
                if (argument && argument.kind === 'audio') {
                  argument.rtpParameters.codecs.unshift({ mimeType: 'audio/red', payloadType: RED, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] });
                }
                return JSON.stringify(message);
              }).join('\u001e');
            }
            return send.call(this, data);
          };
        })();
        """;

    [Fact]
    public async Task A_browser_sending_red_is_heard_by_another_browser()
    {
        await using var alice = await fixture.OpenAsync("Alice");
        await using var bob = await fixture.OpenAsync("Bob");
        await alice.Page.AddInitScriptAsync(SendRed);
        await alice.SignUpAsync();
        var joinCode = await alice.CreateRoomAsync();
        await alice.EnterCreatedRoomAsync();
        await bob.JoinAsGuestAsync(joinCode);

        var first = await WaitForAudioAsync(bob, a => a.TotalSamplesReceived > 0, "Alice's audio", TimeSpan.FromSeconds(40), () => SenderSideAsync(alice));
        Assert.Equal("audio/opus", first.ConsumedCodec);
        var heard = await WaitForAudioAsync(
            bob, a => a.TotalSamplesReceived > first.TotalSamplesReceived + 48_000 && a.AudioLevel > 0, "a second of audible audio", TimeSpan.FromSeconds(30), () => SenderSideAsync(alice));
        Assert.True(await alice.Page.EvaluateAsync<bool>("() => window.parleyRedAnswered === true"), "the sending page was not made to send RED");
        Assert.Equal("audio/red", await ProducerCodecAsync(alice));
    }

    /// <summary>The first codec the server's producer of the sender's mic declared.</summary>
    private Task<string> ProducerCodecAsync(Participant sender)
    {
        var room = fixture.Server.Services.GetService(typeof(Parley.Server.RoomMedia.MediaRooms)) is Parley.Server.RoomMedia.MediaRooms rooms
            ? rooms.FindRoom(sender.RoomId!)
            : null;
        var producer = room?.Peers.Values.Where(p => p.Peer.UserId == sender.UserId)
            .SelectMany(p => p.Producers.Values).Single(p => p.Producer.Kind == Parley.Media.Ortc.MediaKind.Audio).Producer;
        return Task.FromResult(producer?.RtpParameters.Codecs[0].MimeType ?? "none");
    }

    private async Task<string> SenderSideAsync(Participant sender)
    {
        var page = await sender.Page.EvaluateAsync<string>("""
            async () => {
              const out = [];
              for (const producer of window.parley?.producers.values() ?? []) {
                if (producer.kind !== 'audio') continue;
                const report = await producer.getStats();
                report.forEach((s) => { if (s.type === 'outbound-rtp' || s.type === 'codec') out.push(s); });
                out.push({ params: producer.rtpParameters.codecs.map((c) => c.mimeType + ':' + c.payloadType) });
              }
              return JSON.stringify(out);
            }
            """);
        var server = new List<string>();
        if (fixture.Server.Services.GetService(typeof(Parley.Server.RoomMedia.MediaRooms)) is Parley.Server.RoomMedia.MediaRooms rooms && sender.RoomId is { } roomId
            && rooms.FindRoom(roomId) is { } room)
        {
            foreach (var peer in room.Peers.Values)
            {
                foreach (var entry in peer.Producers.Values)
                {
                    server.Add($"{peer.Peer.UserId} {entry.Producer.Kind} {entry.Producer.Id} closed={entry.Producer.IsClosed} codecs={string.Join(",", entry.Producer.RtpParameters.Codecs.Select(c => c.MimeType + ":" + c.PayloadType))}: "
                        + JsonSerializer.Serialize(await entry.Producer.GetStatsAsync()));
                }

                foreach (var entry in peer.Consumers.Values)
                {
                    server.Add($"{peer.Peer.UserId} consumer of {entry.Consumer.ProducerId} paused={entry.Consumer.IsPaused} codecs={string.Join(",", entry.Consumer.RtpParameters.Codecs.Select(c => c.MimeType + ":" + c.PayloadType))}: "
                        + JsonSerializer.Serialize(await entry.Consumer.GetStatsAsync()));
                }
            }
        }

        return $"sender page: {page}\nserver: {string.Join("\n", server)}\nconsole: {sender.ConsoleTail}";
    }

    private static async Task<ReceivedAudio> WaitForAudioAsync(
        Participant receiver, Func<ReceivedAudio, bool> condition, string what, TimeSpan timeout, Func<Task<string>> sender)
    {
        var deadline = DateTime.UtcNow + timeout;
        ReceivedAudio? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await AudioAsync(receiver);
            if (last is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"Waited {timeout.TotalSeconds} s for {what}; last: {JsonSerializer.Serialize(last)}; {receiver.ConsoleTail}\n{await sender()}");
        return last!;
    }

    /// <summary>The receiver's one audio consumer: samples received, level, the codecs it negotiated and received.</summary>
    private static async Task<ReceivedAudio?> AudioAsync(Participant receiver)
    {
        var json = await receiver.Page.EvaluateAsync<string>("""
            async () => {
              const parley = window.parley;
              if (!parley) return 'null';
              for (const consumer of parley.consumers.values()) {
                if (consumer.kind !== 'audio' || consumer.closed) continue;
                const report = await consumer.getStats();
                const result = { totalSamplesReceived: 0, audioLevel: 0, consumedCodec: consumer.rtpParameters.codecs[0].mimeType, senderCodecs: '' };
                const codecs = [];
                report.forEach((s) => {
                  if (s.type === 'inbound-rtp') {
                    result.totalSamplesReceived = s.totalSamplesReceived ?? 0;
                    result.audioLevel = s.audioLevel ?? 0;
                  } else if (s.type === 'codec') {
                    codecs.push(s.mimeType);
                  }
                });
                result.senderCodecs = codecs.join(',');
                return JSON.stringify(result);
              }
              return 'null';
            }
            """);
        return JsonSerializer.Deserialize<ReceivedAudio>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web));
    }

    private sealed record ReceivedAudio(long TotalSamplesReceived, double AudioLevel, string ConsumedCodec, string SenderCodecs);
}
