using BenchmarkDotNet.Attributes;
using Parley.Media.Allocation;

namespace Parley.Benchmarks.Allocation;

/// <summary>
/// One allocation run over a transport's video consumers (three-layer simulcast, three temporal layers each, mixed
/// priorities), with an estimate that moves every run so layers change. Divide by <see cref="Consumers"/> for the
/// cost per consumer.
/// </summary>
[MemoryDiagnoser]
public class BitrateAllocatorBenchmarks
{
    private BitrateAllocator _allocator = null!;
    private long _now;

    [Params(4, 25, 100)]
    public int Consumers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _allocator = new BitrateAllocator(AllocatorOptions.Default);
        long[] top = [140_000, 465_000, 1_100_000];
        for (var i = 0; i < Consumers; i++)
        {
            var layers = new LayerBitrates(3, 3);
            for (var s = 0; s < 3; s++)
            {
                layers[s, 0] = top[s] / 2;
                layers[s, 1] = top[s] * 3 / 4;
                layers[s, 2] = top[s];
            }

            _allocator.Add(new AllocatedConsumer(i, layers, (ConsumerPriority)(i % 3))
            {
                PreferredMax = new VideoLayer(i % 3, 2),
            });
        }
    }

    [Benchmark]
    public int Allocate()
    {
        _now += 100_000;
        var available = (Consumers * 300_000L) + ((_now / 100_000 % 20) * Consumers * 20_000L);
        return _allocator.Allocate(available, Consumers * 40_000L, _now);
    }
}
