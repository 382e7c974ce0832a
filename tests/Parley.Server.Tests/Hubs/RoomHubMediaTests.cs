using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.RoomMedia;

namespace Parley.Server.Tests.Hubs;

/// <summary>
/// The media half of the hub against the real SFU (routers, WebRTC transports on an ephemeral shared port), driven with
/// Chromium-captured mediasoup-client parameters: transports, produce/consume, the media flags in <c>room_user</c>,
/// events, ownership checks and clean-up.
/// </summary>
public abstract class RoomHubMediaTests
{
    protected abstract HubServer Server { get; }

    [Fact]
    public async Task CreateWebRtcTransport_gives_what_mediasoup_client_takes()
    {
        var (_, host, visitor, _) = await TwoInARoomAsync();
        await using (host)
        await using (visitor)
        {
            var transport = await host.InvokeAsync("createWebRtcTransport", new { producing = true, consuming = false, sctpCapabilities = new { } });

            Assert.Matches("^[0-9a-f-]{36}$", transport.GetProperty("id").GetString()!);
            var ice = transport.GetProperty("iceParameters");
            Assert.False(string.IsNullOrEmpty(ice.GetProperty("usernameFragment").GetString()));
            Assert.True(ice.GetProperty("password").GetString()!.Length >= 22);
            Assert.True(ice.GetProperty("iceLite").GetBoolean());
            var media = Server.Services.GetRequiredService<MediaEngine>();
            var candidates = transport.GetProperty("iceCandidates").EnumerateArray().ToList();
            Assert.Contains(candidates, c => c.GetProperty("protocol").GetString() == "udp" && c.GetProperty("port").GetInt32() == media.WebRtcServer.UdpPort);
            Assert.Contains(candidates, c => c.GetProperty("protocol").GetString() == "tcp" && c.GetProperty("port").GetInt32() == media.WebRtcServer.TcpPort);
            Assert.All(candidates, c => Assert.Equal("127.0.0.1", c.GetProperty("address").GetString() ?? c.GetProperty("ip").GetString()));
            var dtls = transport.GetProperty("dtlsParameters");
            Assert.Equal("auto", dtls.GetProperty("role").GetString());
            Assert.Contains(dtls.GetProperty("fingerprints").EnumerateArray(), f => f.GetProperty("algorithm").GetString() == "sha-256");
            Assert.False(transport.TryGetProperty("sctpParameters", out var sctp) && sctp.ValueKind != JsonValueKind.Null);

            var restarted = await host.InvokeAsync("restartIce", new { transportId = transport.GetProperty("id").GetString() });
            Assert.NotEqual(ice.GetProperty("usernameFragment").GetString(), restarted.GetProperty("iceParameters").GetProperty("usernameFragment").GetString());

            var capabilities = await host.InvokeAsync("getRouterRtpCapabilities", new { });
            Assert.Contains(capabilities.GetProperty("codecs").EnumerateArray(), c => c.GetProperty("mimeType").GetString() == "audio/opus");

            var stats = await host.InvokeAsync("getStats", new { transportId = transport.GetProperty("id").GetString() });
            Assert.Single(stats.GetProperty("stats").EnumerateArray());
        }
    }

    [Fact]
    public async Task Producing_a_mic_tells_the_others_and_sets_the_flag()
    {
        var (roomId, host, visitor, guest) = await TwoInARoomAsync();
        await using (host)
        await using (visitor)
        {
            var transportId = await CreateTransportAsync(visitor);
            var producerId = await ProduceAsync(visitor, transportId, "audio", MediaTestData.OpusProducer(), "mic");

            var announced = await host.NextAsync("newProducer");
            Assert.Equal(producerId, announced.GetProperty("producerId").GetString());
            Assert.Equal(guest.UserId, announced.GetProperty("userId").GetString());
            Assert.Equal("audio", announced.GetProperty("kind").GetString());
            Assert.Equal("mic", announced.GetProperty("appData").GetProperty("source").GetString());
            Assert.False(announced.GetProperty("paused").GetBoolean());
            var updated = await host.NextAsync("userUpdated");
            Assert.Equal(guest.UserId, updated.GetProperty("userId").GetString());
            Assert.True(updated.GetProperty("isMicActive").GetBoolean());
            Assert.False(visitor.TryTake("newProducer", out _));
            Assert.Contains($"{guest.UserId}:participant:True:False:False", await Server.RoomRowsAsync(roomId));

            // Someone joining later finds the producer in the joinRoom result.
            var late = await Server.RegisterAsync("Late");
            await using var latecomer = await Server.ConnectAsync(late);
            var joined = await latecomer.JoinAsync(roomId);
            var producers = joined.GetProperty("producers").EnumerateArray().ToList();
            Assert.Equal(producerId, Assert.Single(producers).GetProperty("producerId").GetString());

            // One producer per source.
            Assert.Equal(
                "produce: there is already a mic producer; close it first",
                await visitor.RefusedAsync("produce", ProduceArgs(transportId, "audio", MediaTestData.OpusProducer(), "mic")));
        }
    }

    [Fact]
    public async Task Pausing_resuming_and_closing_a_producer_follow_into_the_flags()
    {
        var (roomId, host, visitor, guest) = await TwoInARoomAsync();
        await using (host)
        await using (visitor)
        {
            var transportId = await CreateTransportAsync(visitor);
            var camId = await ProduceAsync(visitor, transportId, "video", MediaTestData.H264Producer(), "cam");
            await host.NextAsync("newProducer");
            Assert.True((await host.NextAsync("userUpdated")).GetProperty("isCamActive").GetBoolean());

            await visitor.InvokeAsync("pauseProducer", new { producerId = camId });
            Assert.Equal(camId, (await host.NextAsync("producerPaused")).GetProperty("producerId").GetString());
            Assert.False((await host.NextAsync("userUpdated")).GetProperty("isCamActive").GetBoolean());
            await AssertRowAsync(roomId, guest, "False:False:False");

            await visitor.InvokeAsync("resumeProducer", new { producerId = camId });
            Assert.Equal(camId, (await host.NextAsync("producerResumed")).GetProperty("producerId").GetString());
            Assert.True((await host.NextAsync("userUpdated")).GetProperty("isCamActive").GetBoolean());
            await AssertRowAsync(roomId, guest, "False:True:False");

            await visitor.InvokeAsync("closeProducer", new { producerId = camId });
            var closed = await host.NextAsync("producerClosed");
            Assert.Equal(camId, closed.GetProperty("producerId").GetString());
            Assert.Equal(guest.UserId, closed.GetProperty("userId").GetString());
            Assert.False((await host.NextAsync("userUpdated")).GetProperty("isCamActive").GetBoolean());
            await AssertRowAsync(roomId, guest, "False:False:False");
            Assert.Equal("Producer not found", await visitor.RefusedAsync("pauseProducer", new { producerId = camId }));

            // The source is free again.
            await ProduceAsync(visitor, transportId, "video", MediaTestData.H264Producer(), "cam");
        }
    }

    [Fact]
    public async Task UpdateUser_pauses_and_resumes_the_producer_and_stores_only_what_is_forwarded()
    {
        var (roomId, host, visitor, guest) = await TwoInARoomAsync();
        await using (host)
        await using (visitor)
        {
            // Nothing produced yet: asking for a live mic does not make one.
            var before = await visitor.InvokeAsync("updateUser", new { isMicActive = true });
            Assert.False(before.GetProperty("isMicActive").GetBoolean());

            var transportId = await CreateTransportAsync(visitor);
            var micId = await ProduceAsync(visitor, transportId, "audio", MediaTestData.OpusProducer(), "mic");
            await host.NextAsync("newProducer");
            // The first userUpdated is the producer's: the updateUser above changed nothing and broadcast nothing.
            Assert.True((await host.NextAsync("userUpdated")).GetProperty("isMicActive").GetBoolean());

            var muted = await visitor.InvokeAsync("updateUser", new { isMicActive = false });
            Assert.False(muted.GetProperty("isMicActive").GetBoolean());
            Assert.Equal(micId, (await host.NextAsync("producerPaused")).GetProperty("producerId").GetString());
            Assert.False((await host.NextAsync("userUpdated")).GetProperty("isMicActive").GetBoolean());
            await AssertRowAsync(roomId, guest, "False:False:False");

            var unmuted = await visitor.InvokeAsync("updateUser", new { isMicActive = true, isCamActive = true });
            Assert.True(unmuted.GetProperty("isMicActive").GetBoolean());
            Assert.False(unmuted.GetProperty("isCamActive").GetBoolean());
            Assert.Equal(micId, (await host.NextAsync("producerResumed")).GetProperty("producerId").GetString());
            await AssertRowAsync(roomId, guest, "True:False:False");
        }
    }

    [Fact]
    public async Task Consume_gives_parameters_the_device_accepts_and_follows_the_producer()
    {
        var (_, host, visitor, _) = await TwoInARoomAsync();
        await using (host)
        await using (visitor)
        {
            var sendId = await CreateTransportAsync(visitor);
            var micId = await ProduceAsync(visitor, sendId, "audio", MediaTestData.OpusProducer(), "mic");
            await host.NextAsync("newProducer");
            var recvId = await CreateTransportAsync(host, producing: false);
            var device = MediaTestData.DeviceCapabilities();

            var consumed = await host.InvokeAsync("consume", new { transportId = recvId, producerId = micId, rtpCapabilities = device.ToElement() });

            var consumerId = consumed.GetProperty("id").GetString()!;
            Assert.Equal(micId, consumed.GetProperty("producerId").GetString());
            Assert.Equal("audio", consumed.GetProperty("kind").GetString());
            Assert.Equal("simple", consumed.GetProperty("type").GetString());
            Assert.False(consumed.GetProperty("producerPaused").GetBoolean());
            Assert.Equal("mic", consumed.GetProperty("appData").GetProperty("source").GetString());
            var parameters = consumed.GetProperty("rtpParameters");
            var codec = parameters.GetProperty("codecs")[0];
            var deviceCodecs = device["codecs"]!.AsArray();
            Assert.Contains(deviceCodecs, c =>
                c!["mimeType"]!.GetValue<string>().Equals(codec.GetProperty("mimeType").GetString(), StringComparison.OrdinalIgnoreCase)
                && c["preferredPayloadType"]!.GetValue<int>() == codec.GetProperty("payloadType").GetInt32());
            // mediasoup matches extensions by id and uri only (the captured device lists mid under video alone).
            var deviceExtensions = device["headerExtensions"]!.AsArray()
                .Select(e => (e!["preferredId"]!.GetValue<int>(), e["uri"]!.GetValue<string>()))
                .ToHashSet();
            Assert.All(parameters.GetProperty("headerExtensions").EnumerateArray(), e =>
                Assert.Contains((e.GetProperty("id").GetInt32(), e.GetProperty("uri").GetString()!), deviceExtensions));
            Assert.NotEqual(0u, parameters.GetProperty("encodings")[0].GetProperty("ssrc").GetUInt32());
            Assert.Equal("0", parameters.GetProperty("mid").GetString());

            await host.InvokeAsync("resumeConsumer", new { consumerId });
            await host.InvokeAsync("requestKeyFrame", new { consumerId });
            await host.InvokeAsync("setConsumerPreferredLayers", new { consumerId, spatialLayer = 2, temporalLayer = 1 });
            Assert.NotEmpty((await host.InvokeAsync("getStats", new { consumerId })).GetProperty("stats").EnumerateArray());
            Assert.NotEmpty((await visitor.InvokeAsync("getStats", new { producerId = micId })).GetProperty("stats").EnumerateArray());
            await host.InvokeAsync("pauseConsumer", new { consumerId });
            await host.InvokeAsync("resumeConsumer", new { consumerId });

            await visitor.InvokeAsync("pauseProducer", new { producerId = micId });
            Assert.Equal(consumerId, (await host.NextAsync("consumerPaused")).GetProperty("consumerId").GetString());
            await visitor.InvokeAsync("resumeProducer", new { producerId = micId });
            Assert.Equal(consumerId, (await host.NextAsync("consumerResumed")).GetProperty("consumerId").GetString());
            await visitor.InvokeAsync("closeProducer", new { producerId = micId });
            Assert.Equal(consumerId, (await host.NextAsync("consumerClosed")).GetProperty("consumerId").GetString());
            Assert.Equal("Consumer not found", await host.RefusedAsync("resumeConsumer", new { consumerId }));
        }
    }

    [Fact]
    public async Task A_simulcast_camera_is_consumed_as_simulcast_and_takes_preferred_layers()
    {
        var (roomId, host, visitor, _) = await TwoInARoomAsync();
        await using (host)
        await using (visitor)
        {
            // Chromium's simulcast as captured: encodings named by RID only.
            var sendId = await CreateTransportAsync(visitor);
            var camId = await ProduceAsync(visitor, sendId, "video", MediaTestData.Vp8SimulcastProducer(), "cam");
            var recvId = await CreateTransportAsync(host, producing: false);

            var consumed = await host.InvokeAsync("consume", new { transportId = recvId, producerId = camId, rtpCapabilities = MediaTestData.DeviceCapabilities().ToElement() });

            Assert.Equal("simulcast", consumed.GetProperty("type").GetString());
            Assert.Equal("video", consumed.GetProperty("kind").GetString());
            Assert.Equal("video/VP8", consumed.GetProperty("rtpParameters").GetProperty("codecs")[0].GetProperty("mimeType").GetString());
            var consumerId = consumed.GetProperty("id").GetString();
            var consumer = Server.Services.GetRequiredService<MediaRooms>().FindRoom(roomId)!.Peers.Values
                .SelectMany(p => p.Consumers.Values).Single(c => c.Consumer.Id == consumerId).Consumer;
            Assert.Equal(new Parley.Media.Routing.ConsumerLayers(2, 2), consumer.PreferredLayers);
            var reply = await host.InvokeAsync("setConsumerPreferredLayers", new { consumerId, spatialLayer = 0 });
            Assert.Empty(reply.EnumerateObject());
            Assert.Equal(new Parley.Media.Routing.ConsumerLayers(0, 2), consumer.PreferredLayers);
            await host.InvokeAsync("setConsumerPreferredLayers", new { consumerId, spatialLayer = 1, temporalLayer = 0 });
            Assert.Equal(new Parley.Media.Routing.ConsumerLayers(1, 0), consumer.PreferredLayers);
            Assert.StartsWith(
                "setConsumerPreferredLayers: spatialLayer must be a whole number",
                await host.RefusedAsync("setConsumerPreferredLayers", new { consumerId, spatialLayer = -1 }));
            Assert.Equal(
                "setConsumerPreferredLayers: spatialLayer 3 is out of range: The producer has 3 spatial layers (0 to 2).",
                await host.RefusedAsync("setConsumerPreferredLayers", new { consumerId, spatialLayer = 3 }));
            Assert.StartsWith(
                "setConsumerPreferredLayers: temporalLayer 3 is out of range",
                await host.RefusedAsync("setConsumerPreferredLayers", new { consumerId, spatialLayer = 0, temporalLayer = 3 }));
            Assert.Equal(new Parley.Media.Routing.ConsumerLayers(1, 0), consumer.PreferredLayers);
        }
    }

    [Fact]
    public async Task A_shared_screen_is_served_before_cameras_when_a_receiver_is_short_of_bandwidth()
    {
        var (roomId, host, visitor, _) = await TwoInARoomAsync();
        await using (host)
        await using (visitor)
        {
            var sendId = await CreateTransportAsync(visitor);
            var camId = await ProduceAsync(visitor, sendId, "video", MediaTestData.Vp8SimulcastProducer(), "cam");
            var screenId = await ProduceAsync(visitor, sendId, "video", MediaTestData.Vp8SimulcastProducer(), "screen");
            var recvId = await CreateTransportAsync(host, producing: false);
            var device = MediaTestData.DeviceCapabilities().ToElement();

            async Task<Parley.Media.Allocation.ConsumerPriority> PriorityOf(string producerId)
            {
                var consumerId = (await host.InvokeAsync("consume", new { transportId = recvId, producerId, rtpCapabilities = device }))
                    .GetProperty("id").GetString();
                return Server.Services.GetRequiredService<MediaRooms>().FindRoom(roomId)!.Peers.Values
                    .SelectMany(p => p.Consumers.Values).Single(c => c.Consumer.Id == consumerId).Consumer.Priority;
            }

            Assert.Equal(Parley.Media.Allocation.ConsumerPriority.ScreenShare, await PriorityOf(screenId));
            Assert.Equal(Parley.Media.Allocation.ConsumerPriority.Other, await PriorityOf(camId));
        }
    }

    [Fact]
    public async Task Ids_of_others_and_bad_parameters_are_refused()
    {
        var (_, host, visitor, _) = await TwoInARoomAsync();
        await using (host)
        await using (visitor)
        {
            var hostTransport = await CreateTransportAsync(host);
            var visitorTransport = await CreateTransportAsync(visitor);
            var micId = await ProduceAsync(visitor, visitorTransport, "audio", MediaTestData.OpusProducer(), "mic");
            var device = MediaTestData.DeviceCapabilities().ToElement();
            var consumerId = (await host.InvokeAsync("consume", new { transportId = hostTransport, producerId = micId, rtpCapabilities = device }))
                .GetProperty("id").GetString()!;

            // Someone else's transport, producer or consumer is as unknown as a made-up one.
            Assert.Equal("Transport not found", await host.RefusedAsync("produce", ProduceArgs(visitorTransport, "audio", MediaTestData.OpusProducer(), "mic")));
            Assert.Equal("Transport not found", await host.RefusedAsync("restartIce", new { transportId = visitorTransport }));
            Assert.Equal("Transport not found", await host.RefusedAsync("getStats", new { transportId = "no-such-transport" }));
            Assert.Equal("Producer not found", await host.RefusedAsync("pauseProducer", new { producerId = micId }));
            Assert.Equal("Producer not found", await host.RefusedAsync("closeProducer", new { producerId = micId }));
            Assert.Equal("Producer not found", await host.RefusedAsync("consume", new { transportId = hostTransport, producerId = "nope", rtpCapabilities = device }));
            Assert.Equal("Consumer not found", await visitor.RefusedAsync("resumeConsumer", new { consumerId }));
            Assert.Equal("Consumer not found", await visitor.RefusedAsync("getStats", new { consumerId }));

            // A producer of another room cannot be consumed.
            var stranger = await Server.RegisterAsync("Stranger");
            var otherRoom = await Server.CreateRoomAsync(stranger);
            await using var outsider = await Server.ConnectAsync(stranger);
            await outsider.JoinAsync(otherRoom);
            var outsiderTransport = await CreateTransportAsync(outsider);
            Assert.Equal("Producer not found", await outsider.RefusedAsync("consume", new { transportId = outsiderTransport, producerId = micId, rtpCapabilities = device }));

            // Bad parameters get the ORTC rules' reason, not a server error.
            var unknownCodec = MediaTestData.OpusProducer();
            unknownCodec["codecs"]![0]!["mimeType"] = "audio/nonsense";
            Assert.StartsWith("produce: ", await host.RefusedAsync("produce", ProduceArgs(hostTransport, "audio", unknownCodec, "mic")));
            var noCodecs = MediaTestData.OpusProducer();
            noCodecs["codecs"] = new JsonArray();
            Assert.StartsWith("produce: ", await host.RefusedAsync("produce", ProduceArgs(hostTransport, "audio", noCodecs, "mic")));
            var mangled = MediaTestData.OpusProducer();
            mangled["codecs"] = "opus";
            Assert.StartsWith("produce: rtpParameters is malformed", await host.RefusedAsync("produce", ProduceArgs(hostTransport, "audio", mangled, "mic")));
            var nullCodec = MediaTestData.OpusProducer();
            nullCodec["codecs"] = new JsonArray((JsonNode?)null);
            Assert.StartsWith("produce: ", await host.RefusedAsync("produce", ProduceArgs(hostTransport, "audio", nullCodec, "mic")));
            Assert.StartsWith("produce: a mic producer must be audio", await host.RefusedAsync("produce", ProduceArgs(hostTransport, "video", MediaTestData.H264Producer(), "mic")));
            Assert.StartsWith("produce: appData.source", await host.RefusedAsync("produce", ProduceArgs(hostTransport, "audio", MediaTestData.OpusProducer(), "radio")));
            Assert.Equal("produce: kind must be \"audio\" or \"video\"", await host.RefusedAsync("produce", ProduceArgs(hostTransport, "text", MediaTestData.OpusProducer(), "mic")));
            Assert.Equal("produce: appData must be an object with a source", await host.RefusedAsync("produce", new { transportId = hostTransport, kind = "audio", rtpParameters = MediaTestData.OpusProducer().ToElement() }));
            Assert.StartsWith("consume: ", await host.RefusedAsync("consume", new { transportId = hostTransport, producerId = micId, rtpCapabilities = new { codecs = Array.Empty<object>() } }));
            Assert.Equal("connectTransport: dtlsParameters is required (an object)", await host.RefusedAsync("connectTransport", new { transportId = hostTransport }));
            Assert.StartsWith("connectTransport: dtlsParameters.fingerprints", await host.RefusedAsync("connectTransport", new { transportId = hostTransport, dtlsParameters = new { role = "client", fingerprints = Array.Empty<object>() } }));
            Assert.StartsWith("connectTransport: dtlsParameters is malformed", await host.RefusedAsync("connectTransport", new { transportId = hostTransport, dtlsParameters = new { role = "boss", fingerprints = 3 } }));
            Assert.Equal("setConsumerPreferredLayers: spatialLayer is required", await host.RefusedAsync("setConsumerPreferredLayers", new { consumerId }));
            Assert.Equal("getStats: give exactly one of transportId, producerId, consumerId", await host.RefusedAsync("getStats", new { }));

            // A good call still works after all that.
            await host.InvokeAsync("connectTransport", new
            {
                transportId = hostTransport,
                dtlsParameters = new { role = "client", fingerprints = new[] { new { algorithm = "sha-256", value = string.Join(':', Enumerable.Repeat("AB", 32)) } } },
            });
            Assert.StartsWith("connectTransport: ", await host.RefusedAsync("connectTransport", new
            {
                transportId = hostTransport,
                dtlsParameters = new { role = "client", fingerprints = new[] { new { algorithm = "sha-256", value = string.Join(':', Enumerable.Repeat("AB", 32)) } } },
            }));
        }
    }

    [Fact]
    public async Task Media_methods_need_a_joined_room()
    {
        var user = await Server.RegisterAsync("Loner");
        await using var client = await Server.ConnectAsync(user);

        Assert.Equal("Join a room first", await client.RefusedAsync("getRouterRtpCapabilities", new { }));
        Assert.Equal("Join a room first", await client.RefusedAsync("createWebRtcTransport", new { producing = true, consuming = false }));
        Assert.Equal("Join a room first", await client.RefusedAsync("produce", ProduceArgs("some-transport", "audio", MediaTestData.OpusProducer(), "mic")));
        Assert.Equal("Join a room first", await client.RefusedAsync("consume", new { transportId = "t", producerId = "p", rtpCapabilities = MediaTestData.DeviceCapabilities().ToElement() }));
    }

    [Fact]
    public async Task Leaving_or_disconnecting_closes_the_producers_for_the_others()
    {
        var (roomId, host, visitor, guest) = await TwoInARoomAsync();
        await using (host)
        await using (visitor)
        {
            var sendId = await CreateTransportAsync(visitor);
            var micId = await ProduceAsync(visitor, sendId, "audio", MediaTestData.OpusProducer(), "mic");
            var camId = await ProduceAsync(visitor, sendId, "video", MediaTestData.H264Producer(), "cam");
            var recvId = await CreateTransportAsync(host, producing: false);
            var consumerId = (await host.InvokeAsync("consume", new { transportId = recvId, producerId = camId, rtpCapabilities = MediaTestData.DeviceCapabilities().ToElement() }))
                .GetProperty("id").GetString()!;

            await visitor.Connection.StopAsync();

            var closed = new[] { await host.NextAsync("producerClosed"), await host.NextAsync("producerClosed") };
            Assert.Equal(new[] { micId, camId }.Order(), closed.Select(c => c.GetProperty("producerId").GetString()).Order());
            Assert.All(closed, c => Assert.Equal(guest.UserId, c.GetProperty("userId").GetString()));
            Assert.Equal(consumerId, (await host.NextAsync("consumerClosed")).GetProperty("consumerId").GetString());
            Assert.Empty(Server.Services.GetRequiredService<MediaRooms>().GetProducers(roomId, exceptUserId: ""));
        }
    }

    [Fact]
    public async Task A_newer_session_closes_the_older_ones_producers()
    {
        var (roomId, host, visitor, guest) = await TwoInARoomAsync();
        await using (host)
        await using (visitor)
        {
            var micId = await ProduceAsync(visitor, await CreateTransportAsync(visitor), "audio", MediaTestData.OpusProducer(), "mic");
            await host.NextAsync("userUpdated");

            await using var newer = new HubClient(Server.BuildConnection(guest.Token), guest.UserId);
            await newer.Connection.StartAsync();
            var joined = await newer.JoinAsync(roomId);

            Assert.Empty(joined.GetProperty("producers").EnumerateArray());
            Assert.Equal(micId, (await host.NextAsync("producerClosed")).GetProperty("producerId").GetString());
            await AssertRowAsync(roomId, guest, "False:False:False");
            Assert.Equal("Join a room first", await visitor.RefusedAsync("createWebRtcTransport", new { producing = true, consuming = false }));
        }
    }

    [Fact]
    public async Task Deleting_the_room_closes_its_media()
    {
        var owner = await Server.RegisterAsync("Owner");
        var guest = await Server.GuestAsync("Guest");
        var roomId = await Server.CreateRoomAsync(owner);
        await using var host = await Server.ConnectAsync(owner);
        await using var visitor = await Server.ConnectAsync(guest);
        await host.JoinAsync(roomId);
        await visitor.JoinAsync(roomId);
        var media = Server.Services.GetRequiredService<MediaRooms>();
        var router = media.FindRoom(roomId)!.Router;
        await ProduceAsync(visitor, await CreateTransportAsync(visitor), "audio", MediaTestData.OpusProducer(), "mic");

        await Server.DeleteRoomAsync(owner, roomId);

        await visitor.NextAsync("roomClosed");
        Assert.Empty(media.GetProducers(roomId, exceptUserId: ""));
        Assert.Equal("Join a room first", await visitor.RefusedAsync("createWebRtcTransport", new { producing = true, consuming = false }));
        // The room leaves the map only once its router has closed: wait for the map, then check the router.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (media.HasRouter(roomId))
        {
            Assert.True(DateTime.UtcNow < deadline, "The deleted room's media was not removed.");
            await Task.Delay(50);
        }

        Assert.True(router.IsClosed);
    }

    [Fact]
    public async Task The_router_closes_after_the_grace_period_once_the_room_is_empty()
    {
        var owner = await Server.RegisterAsync("Owner");
        var roomId = await Server.CreateRoomAsync(owner);
        var media = Server.Services.GetRequiredService<MediaRooms>();
        await using var host = await Server.ConnectAsync(owner);
        await host.InvokeAsync("createRoom", new { roomId });
        Assert.True(media.HasRouter(roomId));
        await host.JoinAsync(roomId);
        var router = media.FindRoom(roomId)!.Router;
        await CreateTransportAsync(host);

        // Staying longer than the grace period (1 s in tests) keeps the router.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Same(router, media.FindRoom(roomId)?.Router);

        await host.InvokeAsync("leaveRoom", new { });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (media.HasRouter(roomId))
        {
            Assert.True(DateTime.UtcNow < deadline, "The router outlived its grace period.");
            await Task.Delay(50);
        }

        Assert.True(router.IsClosed);
        await host.JoinAsync(roomId);
        Assert.NotSame(router, media.FindRoom(roomId)!.Router);
    }

    [Fact]
    public async Task A_simulcast_producer_is_told_which_encodings_its_consumers_want()
    {
        var (_, host, visitor, _) = await TwoInARoomAsync();
        await using (host)
        await using (visitor)
        {
            var sendId = await CreateTransportAsync(visitor);
            var camId = await ProduceAsync(visitor, sendId, "video", MediaTestData.Vp8SimulcastProducer(), "cam");
            var recvId = await CreateTransportAsync(host, producing: false);
            var consumed = await host.InvokeAsync("consume", new { transportId = recvId, producerId = camId, rtpCapabilities = MediaTestData.DeviceCapabilities().ToElement() });
            var consumerId = consumed.GetProperty("id").GetString();
            await host.InvokeAsync("resumeConsumer", new { consumerId });

            await host.InvokeAsync("setConsumerPreferredLayers", new { consumerId, spatialLayer = 0 });
            var lowered = await visitor.NextAsync("producerLayersWanted");
            Assert.Equal(camId, lowered.GetProperty("producerId").GetString());
            Assert.Equal(
                """[{"active":true,"rid":"r0"},{"active":false,"rid":"r1"},{"active":false,"rid":"r2"}]""",
                lowered.GetProperty("encodings").GetRawText());

            await host.InvokeAsync("setConsumerPreferredLayers", new { consumerId, spatialLayer = 2 });
            var raised = await visitor.NextAsync("producerLayersWanted");
            Assert.All(raised.GetProperty("encodings").EnumerateArray(), e => Assert.True(e.GetProperty("active").GetBoolean()));
            Assert.False(host.TryTake("producerLayersWanted", out _));
        }
    }

    [Fact]
    public async Task Scores_go_to_the_consuming_and_the_producing_connection()
    {
        var (roomId, host, visitor, _) = await TwoInARoomAsync();
        await using (host)
        await using (visitor)
        {
            // The SFU raises scores from RTCP reports (Parley.Media's tests drive those); here the room's events are
            // checked to reach the right connection in the contract's shape.
            var events = Server.Services.GetRequiredService<RoomMediaEvents>();
            await events.PublishAsync(new ConsumerScoreChanged(roomId, host.Connection.ConnectionId!, "consumer-1", new Parley.Media.Routing.ConsumerScore(7, 9)));
            await events.PublishAsync(new ProducerScoreChanged(roomId, visitor.Connection.ConnectionId!, "producer-1", 4));

            var consumerScore = await host.NextAsync("consumerScore");
            Assert.Equal("""{"consumerId":"consumer-1","score":7,"producerScore":9}""", consumerScore.GetRawText());
            var producerScore = await visitor.NextAsync("producerScore");
            Assert.Equal("""{"producerId":"producer-1","score":4}""", producerScore.GetRawText());
            Assert.False(visitor.TryTake("consumerScore", out _));
            Assert.False(host.TryTake("producerScore", out _));
        }
    }

    private async Task<(string RoomId, HubClient Host, HubClient Visitor, TestUser Guest)> TwoInARoomAsync()
    {
        var owner = await Server.RegisterAsync("Owner");
        var guest = await Server.GuestAsync("Guest");
        var roomId = await Server.CreateRoomAsync(owner);
        var host = await Server.ConnectAsync(owner);
        var visitor = await Server.ConnectAsync(guest);
        await host.InvokeAsync("createRoom", new { roomId });
        await host.JoinAsync(roomId);
        await visitor.JoinAsync(roomId);
        await host.NextAsync("userJoined");
        return (roomId, host, visitor, guest);
    }

    private static async Task<string> CreateTransportAsync(HubClient client, bool producing = true) =>
        (await client.InvokeAsync("createWebRtcTransport", new { producing, consuming = !producing })).GetProperty("id").GetString()!;

    private static object ProduceArgs(string transportId, string kind, JsonNode rtpParameters, string source) =>
        new { transportId, kind, rtpParameters = rtpParameters.ToElement(), appData = new { source } };

    private static async Task<string> ProduceAsync(HubClient client, string transportId, string kind, JsonNode rtpParameters, string source) =>
        (await client.InvokeAsync("produce", ProduceArgs(transportId, kind, rtpParameters, source))).GetProperty("id").GetString()!;

    private async Task AssertRowAsync(string roomId, TestUser user, string flags) =>
        Assert.Contains($"{user.UserId}:participant:{flags}", await Server.RoomRowsAsync(roomId));
}

public sealed class RoomHubMediaSqliteTests(SqliteHubServerFixture fixture) : RoomHubMediaTests, IClassFixture<SqliteHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}

public sealed class RoomHubMediaPostgresTests(PostgresHubServerFixture fixture) : RoomHubMediaTests, IClassFixture<PostgresHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}
