using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Parley.Media.Srtp;

/// <summary>
/// AES in counter mode as SRTP uses it (RFC 3711 §4.1.1): keystream block i is AES(IV + i), with i added to
/// the low 16 bits only, which is all SRTP's 2^16-block limit per packet needs.
/// </summary>
/// <remarks>
/// With AES-NI and a 128-bit key (the AES-CM session keys) the keystream comes from
/// <see cref="Aes128NiKeystream"/>. Otherwise it comes from a reused ECB <see cref="ICryptoTransform"/> over scratch arrays this instance owns:
/// on .NET 10 the one-shot <c>Aes.EncryptEcb</c> allocates a cipher handle per call (64 B, measured), the
/// reused transform allocates nothing. One instance serves one thread at a time, like the context that owns it.
/// </remarks>
internal sealed class AesCounterMode : IDisposable
{
    public const int BlockSize = 16;

    /// <summary>Whether this instance runs on AES-NI.</summary>
    public bool IsNative => _native is not null;
    private const int ChunkBlocks = 64;

    private readonly Aes _aes;
    private readonly ICryptoTransform _ecb;
    private readonly Aes128NiKeystream? _native;
    private readonly byte[] _counterBlocks;
    private readonly byte[] _keystream;

    /// <param name="key">The AES key.</param>
    /// <param name="allowNative">False forces the portable ECB path (tests compare the two).</param>
    public AesCounterMode(ReadOnlySpan<byte> key, bool allowNative = true)
    {
        if (allowNative && key.Length == 16 && Aes128NiKeystream.IsSupported)
        {
            _native = new Aes128NiKeystream(key);
            _counterBlocks = _keystream = [];
        }
        else
        {
            _counterBlocks = new byte[ChunkBlocks * BlockSize];
            _keystream = new byte[ChunkBlocks * BlockSize];
        }

        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
    }

    /// <summary>XORs <paramref name="data"/> with the keystream that starts at counter block <paramref name="initialCounter"/>.</summary>
    public void Apply(ReadOnlySpan<byte> initialCounter, Span<byte> data)
    {
        if (_native is not null)
        {
            _native.Apply(initialCounter, data);
            return;
        }

        ushort low = BinaryPrimitives.ReadUInt16BigEndian(initialCounter.Slice(BlockSize - 2, 2));
        int blocksDone = 0;
        while (!data.IsEmpty)
        {
            int bytes = Math.Min(data.Length, _keystream.Length);
            int blocks = (bytes + BlockSize - 1) / BlockSize;
            for (int b = 0; b < blocks; b++)
            {
                Span<byte> block = _counterBlocks.AsSpan(b * BlockSize, BlockSize);
                initialCounter.Slice(0, BlockSize - 2).CopyTo(block);
                BinaryPrimitives.WriteUInt16BigEndian(block.Slice(BlockSize - 2), unchecked((ushort)(low + blocksDone + b)));
            }

            _ecb.TransformBlock(_counterBlocks, 0, blocks * BlockSize, _keystream, 0);
            Xor(data.Slice(0, bytes), _keystream);
            data = data.Slice(bytes);
            blocksDone += blocks;
        }
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<byte>.Count;
            for (; i + width <= data.Length; i += width)
            {
                var mixed = new Vector<byte>(data.Slice(i)) ^ new Vector<byte>(keystream.Slice(i));
                mixed.CopyTo(data.Slice(i));
            }
        }

        for (; i < data.Length; i++)
            data[i] ^= keystream[i];
    }

    public void Dispose()
    {
        _ecb.Dispose();
        _aes.Dispose();
    }
}
