using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using X86Pclmulqdq = System.Runtime.Intrinsics.X86.Pclmulqdq;
using X86Sse2 = System.Runtime.Intrinsics.X86.Sse2;
using X86Ssse3 = System.Runtime.Intrinsics.X86.Ssse3;

namespace Parley.Media.Srtp;

/// <summary>
/// AES-128-GCM (NIST SP 800-38D) on AES-NI and PCLMULQDQ directly, for AEAD_AES_128_GCM SRTP: the per-packet path of
/// the profile browsers negotiate first. The runtime's <see cref="AesGcm"/> re-initialises its native cipher on every
/// call, which costs more than the arithmetic on a 1,200-byte packet. Counter mode reuses <see cref="Aes128NiKeystream"/>
/// (the 32-bit GCM counter never carries past its low 16 bits below 2^16 blocks, far above any datagram); GHASH
/// multiplies in GF(2^128) with carry-less multiplication on byte-reflected blocks, shifting the 256-bit product left
/// by one bit to undo the bit reflection and reducing modulo x^128 + x^7 + x^2 + x + 1.
/// </summary>
internal sealed class Aes128GcmNi
{
    public const int NonceLength = 12;
    public const int TagLength = 16;
    private const int BlockSize = 16;

    private static readonly Vector128<byte> ReverseBytes = Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);

    private readonly Aes128NiKeystream _aes;
    private readonly Vector128<ulong> _hashKey;
    private readonly Vector128<ulong> _hashKey2;
    private readonly Vector128<ulong> _hashKey3;
    private readonly Vector128<ulong> _hashKey4;

    public Aes128GcmNi(ReadOnlySpan<byte> key)
    {
        if (!IsSupported)
            throw new PlatformNotSupportedException("AES-NI, PCLMULQDQ and SSSE3 are required.");
        _aes = new Aes128NiKeystream(key);
        Span<byte> hashKey = stackalloc byte[BlockSize];
        hashKey.Clear();
        _aes.Apply(hashKey, hashKey);
        _hashKey = Reflect(Vector128.Create((ReadOnlySpan<byte>)hashKey));
        _hashKey2 = Multiply(_hashKey, _hashKey);
        _hashKey3 = Multiply(_hashKey2, _hashKey);
        _hashKey4 = Multiply(_hashKey3, _hashKey);
    }

    public static bool IsSupported => Aes128NiKeystream.IsSupported && X86Pclmulqdq.IsSupported && X86Ssse3.IsSupported;

    /// <summary>Encrypts <paramref name="data"/> in place and writes the tag over it and <paramref name="associatedData"/>.</summary>
    public void Encrypt(ReadOnlySpan<byte> nonce, Span<byte> data, Span<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        Span<byte> counter = stackalloc byte[BlockSize];
        WriteCounter(nonce, 2, counter);
        _aes.Apply(counter, data);
        ComputeTag(nonce, associatedData, data, tag);
    }

    /// <summary>Checks the tag (in constant time) and, if it matches, decrypts <paramref name="data"/> in place.</summary>
    public bool TryDecrypt(ReadOnlySpan<byte> nonce, Span<byte> data, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        Span<byte> expected = stackalloc byte[TagLength];
        ComputeTag(nonce, associatedData, data, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, tag))
            return false;
        Span<byte> counter = stackalloc byte[BlockSize];
        WriteCounter(nonce, 2, counter);
        _aes.Apply(counter, data);
        return true;
    }

    private void ComputeTag(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertext, Span<byte> tag)
    {
        Vector128<ulong> hash = Vector128<ulong>.Zero;
        hash = Absorb(hash, associatedData);
        hash = Absorb(hash, ciphertext);
        Span<byte> lengths = stackalloc byte[BlockSize];
        BinaryPrimitives.WriteUInt64BigEndian(lengths, (ulong)associatedData.Length * 8);
        BinaryPrimitives.WriteUInt64BigEndian(lengths[8..], (ulong)ciphertext.Length * 8);
        hash = Multiply(hash ^ Reflect(Vector128.Create((ReadOnlySpan<byte>)lengths)), _hashKey);

        // The tag is GHASH XOR E(K, J0), J0 being the nonce with counter 1.
        Span<byte> j0 = stackalloc byte[BlockSize];
        WriteCounter(nonce, 1, j0);
        Reflect(hash).AsByte().CopyTo(tag);
        _aes.Apply(j0, tag[..TagLength]);
    }

    private Vector128<ulong> Absorb(Vector128<ulong> hash, ReadOnlySpan<byte> data)
    {
        ref byte start = ref MemoryMarshal.GetReference(data);
        var offset = 0;

        // Four blocks at a time: ((h ^ b0)·H^4) ^ (b1·H^3) ^ (b2·H^2) ^ (b3·H), with one reduction for the four
        // products (shifting and reducing are linear), so the multiplications pipeline instead of waiting on each other.
        for (; offset + (4 * BlockSize) <= data.Length; offset += 4 * BlockSize)
        {
            ref byte chunk = ref Unsafe.Add(ref start, offset);
            var (low, high) = MultiplyUnreduced(hash ^ Reflect(Vector128.LoadUnsafe(ref chunk)), _hashKey4);
            var (low1, high1) = MultiplyUnreduced(Reflect(Vector128.LoadUnsafe(ref Unsafe.Add(ref chunk, BlockSize))), _hashKey3);
            var (low2, high2) = MultiplyUnreduced(Reflect(Vector128.LoadUnsafe(ref Unsafe.Add(ref chunk, 2 * BlockSize))), _hashKey2);
            var (low3, high3) = MultiplyUnreduced(Reflect(Vector128.LoadUnsafe(ref Unsafe.Add(ref chunk, 3 * BlockSize))), _hashKey);
            hash = Reduce(low ^ low1 ^ low2 ^ low3, high ^ high1 ^ high2 ^ high3);
        }

        for (; offset + BlockSize <= data.Length; offset += BlockSize)
        {
            hash = Multiply(hash ^ Reflect(Vector128.LoadUnsafe(ref Unsafe.Add(ref start, offset))), _hashKey);
        }

        if (offset < data.Length)
        {
            Span<byte> last = stackalloc byte[BlockSize];
            last.Clear();
            data[offset..].CopyTo(last);
            hash = Multiply(hash ^ Reflect(Vector128.Create((ReadOnlySpan<byte>)last)), _hashKey);
        }

        return hash;
    }

    private static void WriteCounter(ReadOnlySpan<byte> nonce, uint value, Span<byte> block)
    {
        nonce[..NonceLength].CopyTo(block);
        BinaryPrimitives.WriteUInt32BigEndian(block[NonceLength..], value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Reflect(Vector128<byte> block) => X86Ssse3.Shuffle(block, ReverseBytes).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Reflect(Vector128<ulong> block) => X86Ssse3.Shuffle(block.AsByte(), ReverseBytes);

    /// <summary>a·b in GHASH's field, both operands and the result byte-reflected.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Multiply(Vector128<ulong> a, Vector128<ulong> b)
    {
        var (low, high) = MultiplyUnreduced(a, b);
        return Reduce(low, high);
    }

    /// <summary>The schoolbook 128×128 → 256-bit carry-less product, as [high:low].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<uint> Low, Vector128<uint> High) MultiplyUnreduced(Vector128<ulong> a, Vector128<ulong> b)
    {
        var low = X86Pclmulqdq.CarrylessMultiply(a, b, 0x00).AsUInt32();
        var high = X86Pclmulqdq.CarrylessMultiply(a, b, 0x11).AsUInt32();
        var middle = (X86Pclmulqdq.CarrylessMultiply(a, b, 0x10) ^ X86Pclmulqdq.CarrylessMultiply(a, b, 0x01)).AsByte();
        low ^= X86Sse2.ShiftLeftLogical128BitLane(middle, 8).AsUInt32();
        high ^= X86Sse2.ShiftRightLogical128BitLane(middle, 8).AsUInt32();
        return (low, high);
    }

    /// <summary>A 256-bit carry-less product of byte-reflected operands, back into the field (byte-reflected).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Reduce(Vector128<uint> low, Vector128<uint> high)
    {
        // Shift the 256-bit product left by one bit (bit reflection), carrying between 32-bit lanes and halves.
        var lowCarries = X86Sse2.ShiftRightLogical(low, 31);
        var highCarries = X86Sse2.ShiftRightLogical(high, 31);
        low = X86Sse2.ShiftLeftLogical(low, 1);
        high = X86Sse2.ShiftLeftLogical(high, 1);
        var crossing = X86Sse2.ShiftRightLogical128BitLane(lowCarries.AsByte(), 12).AsUInt32();
        highCarries = X86Sse2.ShiftLeftLogical128BitLane(highCarries.AsByte(), 4).AsUInt32();
        lowCarries = X86Sse2.ShiftLeftLogical128BitLane(lowCarries.AsByte(), 4).AsUInt32();
        low |= lowCarries;
        high |= highCarries | crossing;

        // Reduce modulo x^128 + x^7 + x^2 + x + 1: fold the low half into the high one in two steps.
        var folded = X86Sse2.ShiftLeftLogical(low, 31) ^ X86Sse2.ShiftLeftLogical(low, 30) ^ X86Sse2.ShiftLeftLogical(low, 25);
        var foldedHigh = X86Sse2.ShiftRightLogical128BitLane(folded.AsByte(), 4).AsUInt32();
        low ^= X86Sse2.ShiftLeftLogical128BitLane(folded.AsByte(), 12).AsUInt32();
        var reduced = X86Sse2.ShiftRightLogical(low, 1) ^ X86Sse2.ShiftRightLogical(low, 2) ^ X86Sse2.ShiftRightLogical(low, 7) ^ foldedHigh;
        return (high ^ low ^ reduced).AsUInt64();
    }
}
