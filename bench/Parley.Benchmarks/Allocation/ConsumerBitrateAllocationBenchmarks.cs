using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Parley.Media.Allocation;
using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Transports;

namespace Parley.Benchmarks.Allocation;

/// <summary>
/// One allocation run of a transport (what <c>WebRtcTransport</c> does every 100 ms) over real consumers, half of a
/// VP8 simulcast producer (three encodings, L1T3) and half of a VP9 SVC producer (L3T3_KEY, Chromium's packets), each
/// consumer of its own producer: layer costs read from the producer streams' meters, the allocator, and each consumer
/// told its layers. The estimate moves slowly between 60 % and 140 % of what the consumers want, so layers change now
/// and then as in a meeting. Runs on the worker, <see cref="RunsPerInvoke"/> runs per call (the cross-thread call is
/// then negligible); divide by <see cref="Consumers"/> for the cost per consumer per run.
/// </summary>
[MemoryDiagnoser]
public class ConsumerBitrateAllocationBenchmarks
{
    private const int RunsPerInvoke = 1_000;
    private const int Inactivity = int.MaxValue / 2;

    private readonly ConsumerBitrateAllocation _allocation = new();
    private Worker _worker = null!;
    private long _fedAtMs;
    private long _micros;
    private long _desired;

    [Params(1, 8, 32)]
    public int Consumers { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _worker.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = RunsPerInvoke)]
    public long Run() => _worker.InvokeAsync(() =>
    {
        long desired = 0;
        for (var i = 0; i < RunsPerInvoke; i++)
        {
            _micros += 100_000;
            // A triangle between 60 % and 140 % of the desired rate, over 40 s.
            var phase = _micros / 100_000 % 400;
            var available = _desired * (60 + (phase < 200 ? phase : 400 - phase) * 80 / 200) / 100;
            desired = _allocation.Run(available, 50_000, _fedAtMs, _micros, Inactivity);
        }

        return desired;
    }).GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _worker = new Worker("allocation-bench");
        var router = await _worker.CreateRouterAsync(new RouterOptions { StreamInactivityMs = Inactivity });
        var producing = await router.CreatePlainTransportAsync(new PlainTransportOptions { Comedia = true });
        var consuming = await router.CreatePlainTransportAsync();
        var device = Read<RtpCapabilities>("chromium-device-rtpCapabilities.json");
        var svcPackets = ReadSvcPackets(out var svcPayloadType, out var svcMode);
        var feeds = new List<byte[]>();
        for (var i = 0; i < Consumers; i++)
        {
            var ssrc = 0x1000_0000u + ((uint)i * 16);
            Producer producer;
            if (i % 2 == 0)
            {
                var parameters = Read<RtpParameters>("chromium-produce-video-vp8-simulcast.json");
                for (var s = 0; s < parameters.Encodings.Count; s++)
                {
                    parameters.Encodings[s].Rid = null;
                    parameters.Encodings[s].Ssrc = ssrc + (uint)s;
                }

                producer = await producing.ProduceAsync(MediaKind.Video, parameters);
                feeds.AddRange(Vp8Simulcast((byte)parameters.Codecs[0].PayloadType, ssrc));
            }
            else
            {
                var parameters = Read<RtpParameters>("chromium-produce-video-vp9-svc.json");
                parameters.Codecs[0].PayloadType = svcPayloadType;
                parameters.Codecs[1].PayloadType = svcPayloadType + 1;
                parameters.Codecs[1].Parameters["apt"] = svcPayloadType;
                parameters.Encodings[0].Ssrc = ssrc;
                parameters.Encodings[0].Rtx = null;
                parameters.Encodings[0].ScalabilityMode = svcMode;
                producer = await producing.ProduceAsync(MediaKind.Video, parameters);
                feeds.AddRange(svcPackets.Select(p => WithSsrc(p, ssrc)));
            }

            var consumer = await consuming.ConsumeAsync(producer.Id, device);
            await consumer.ResumeAsync();
            await consumer.SetPriorityAsync((ConsumerPriority)(i % 3));
            await _worker.InvokeAsync(() => _allocation.Add(consumer));
        }

        await _worker.InvokeAsync(() =>
        {
            foreach (var packet in feeds)
            {
                producing.HandleRtp(packet);
            }

            _fedAtMs = _worker.Timers.Now;
            _desired = _allocation.Run(long.MaxValue / 4, 0, _fedAtMs, 0, Inactivity);
        });

        // Every consumer's layers measured (unmeasured layers would cost 1 bit/s each and want next to nothing).
        if (_desired < Consumers * 50_000L)
        {
            throw new InvalidOperationException($"The consumers want only {_desired} bit/s: their layers were not measured.");
        }
    }

    /// <summary>Two L1T3 cycles of one-packet pictures on each of three encodings, 300, 600 and 1,200 bytes.</summary>
    private static IEnumerable<byte[]> Vp8Simulcast(byte payloadType, uint firstSsrc)
    {
        int[] pattern = [0, 2, 1, 2];
        for (var layer = 0; layer < 3; layer++)
        {
            for (var i = 0; i < 8; i++)
            {
                var packet = new byte[12 + 6 + (300 << layer)];
                packet[0] = 0x80;
                packet[1] = payloadType;
                BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)(i + 1));
                BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), (uint)(i * 3000));
                BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), firstSsrc + (uint)layer);
                // X, S; I, L, T; 15-bit picture ID; TL0PICIDX; TID.
                byte[] descriptor = [0x90, 0xE0, 0x80, (byte)i, (byte)(i / 4), (byte)(pattern[i % 4] << 6)];
                descriptor.CopyTo(packet, 12);
                packet[18] = (byte)(i == 0 ? 0x00 : 0x01);
                yield return packet;
            }
        }
    }

    private static byte[] WithSsrc(byte[] packet, uint ssrc)
    {
        var copy = packet.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(8), ssrc);
        return copy;
    }

    private static List<byte[]> ReadSvcPackets(out int payloadType, out string scalabilityMode)
    {
        var lines = File.ReadAllLines(PathOf("vp9-l3t3-key.hex"));
        var header = lines[0].TrimStart('#', ' ').Split(' ');
        scalabilityMode = header[1];
        payloadType = int.Parse(header[2], CultureInfo.InvariantCulture);
        return [.. lines.Skip(1).Where(l => l.Length > 0).Select(Convert.FromHexString)];
    }

    private static T Read<T>(string name) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(PathOf(name))) ?? throw new InvalidDataException(name);

    private static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", name);
}
