using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Parley.Media.Srtp;

namespace Parley.Benchmarks.Srtp;

/// <summary>
/// SRTP on a 1,200-byte-payload RTP packet per profile: protect alone, and protect followed by unprotect on a
/// receiving context (a receiver rejects replays, so each unprotect needs a freshly protected packet; unprotect
/// alone is the difference of the two).
/// </summary>
[MemoryDiagnoser]
public class SrtpBenchmarks
{
    private readonly byte[] _plain = new byte[12 + 1200];
    private readonly byte[] _buffer = new byte[1500];
    private SrtpContext _sender = null!;
    private SrtpContext _receiver = null!;
    private ushort _sequence;

    // A name, not the enum: SrtpProfile is internal and BenchmarkDotNet's parameters are public properties.
    [Params(nameof(SrtpProfile.AeadAes128Gcm), nameof(SrtpProfile.AeadAes256Gcm), nameof(SrtpProfile.AesCm128HmacSha1_80), nameof(SrtpProfile.AesCm128HmacSha1_32))]
    public string Profile { get; set; } = nameof(SrtpProfile.AeadAes128Gcm);

    private SrtpProfile ProfileValue => Enum.Parse<SrtpProfile>(Profile);

    [GlobalSetup]
    public void Setup()
    {
        var key = new byte[SrtpProfileInfo.MasterKeyLength(ProfileValue)];
        var salt = new byte[SrtpProfileInfo.MasterSaltLength(ProfileValue)];
        Random.Shared.NextBytes(key);
        Random.Shared.NextBytes(salt);
        _sender = new SrtpContext(ProfileValue, key, salt);
        _receiver = new SrtpContext(ProfileValue, key, salt);
        _plain[0] = 0x80;
        _plain[1] = 96;
        BinaryPrimitives.WriteUInt32BigEndian(_plain.AsSpan(8), 0x12345678);
        Random.Shared.NextBytes(_plain.AsSpan(12));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.Dispose();
        _receiver.Dispose();
    }

    [Benchmark]
    public int Protect()
    {
        _plain.CopyTo(_buffer, 0);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), _sequence++);
        _sender.ProtectRtp(_buffer, _plain.Length, out var length);
        return length;
    }

    [Benchmark]
    public int ProtectThenUnprotect()
    {
        _plain.CopyTo(_buffer, 0);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), _sequence++);
        _sender.ProtectRtp(_buffer, _plain.Length, out var length);
        _receiver.UnprotectRtp(_buffer, length, out var plainLength);
        return plainLength;
    }
}
