using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Parley.Media.Ortc;
using Parley.Media.Transports;
using Parley.Server.Membership;
using Parley.Server.RoomMedia;
using Parley.Server.Tests.Hubs;

namespace Parley.Server.Tests.Recording;

/// <summary>
/// A participant's real media for recording tests: ffmpeg encodes a test pattern (VP8) or a tone (Opus) and sends it
/// as RTP to a comedia PlainTransport producer in the room, added the way the hub's <c>produce</c> adds one (the room
/// hears of it and <see cref="ProducerAdded"/> is published under the room's lock).
/// </summary>
internal sealed class RtpSource : IAsyncDisposable
{
    private static int s_ssrc = 0x1000;

    private readonly Process _ffmpeg;
    private readonly PlainTransport _transport;

    private RtpSource(Process ffmpeg, PlainTransport transport, string producerId)
    {
        _ffmpeg = ffmpeg;
        _transport = transport;
        ProducerId = producerId;
    }

    public string ProducerId { get; }

    public static async Task<RtpSource> StartAsync(HubServer server, string roomId, HubClient participant, MediaSource source)
    {
        var rooms = server.Services.GetRequiredService<MediaRooms>();
        var locks = server.Services.GetRequiredService<RoomLocks>();
        var video = source.Kind() == MediaKind.Video;
        var ssrc = (uint)Interlocked.Increment(ref s_ssrc);
        var payloadType = video ? 96 : 111;
        PlainTransport transport;
        string producerId;
        using (await locks.AcquireAsync(roomId))
        {
            var room = rooms.FindRoom(roomId) ?? throw new InvalidOperationException("The room has no router.");
            transport = await room.Router.CreatePlainTransportAsync(new PlainTransportOptions { Comedia = true });
            var producer = await transport.ProduceAsync(source.Kind(), new RtpParameters
            {
                Codecs = [video
                    ? new RtpCodecParameters { MimeType = "video/VP8", PayloadType = payloadType, ClockRate = 90000 }
                    : new RtpCodecParameters { MimeType = "audio/opus", PayloadType = payloadType, ClockRate = 48000, Channels = 2 }],
                Encodings = [new RtpEncodingParameters { Ssrc = ssrc }],
            });
            var entry = new ProducerEntry(producer, source, participant.UserId, new JsonObject { ["source"] = source.Name() }, transport.Id);
            var media = room.Join(new MediaPeer(roomId, participant.UserId, participant.Connection.ConnectionId!));
            await room.AddProducerAsync(media, entry, startPaused: false);
            producerId = producer.Id;
        }

        var port = transport.Tuple.LocalPort;
        string[] input = video
            ? ["-f", "lavfi", "-i", "testsrc2=s=320x240:r=15", "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k", "-g", "15"]
            : ["-f", "lavfi", "-i", "sine=f=440:sample_rate=48000", "-c:a", "libopus", "-ac", "2", "-b:a", "64k"];
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])[
            "-hide_banner", "-loglevel", "error", "-re", .. input, "-t", "120",
            "-payload_type", payloadType.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-ssrc", ssrc.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-f", "rtp", $"rtp://127.0.0.1:{port}?pkt_size=1200"])
        {
            info.ArgumentList.Add(argument);
        }

        var ffmpeg = Process.Start(info)!;
        ffmpeg.BeginErrorReadLine();
        ffmpeg.BeginOutputReadLine();
        return new RtpSource(ffmpeg, transport, producerId);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_ffmpeg.HasExited)
        {
            _ffmpeg.Kill();
            await _ffmpeg.WaitForExitAsync();
        }

        _ffmpeg.Dispose();
        await _transport.CloseAsync();
    }
}
