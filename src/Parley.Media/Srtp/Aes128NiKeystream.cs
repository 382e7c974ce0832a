using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;
using X86Sse2 = System.Runtime.Intrinsics.X86.Sse2;

namespace Parley.Media.Srtp;

/// <summary>
/// AES-128 counter mode on the AES-NI instructions directly: the per-packet path of the AES-CM profiles. It
/// skips the native call and counter-block copies of an ECB transform and pipelines four blocks at a time.
/// </summary>
internal sealed class Aes128NiKeystream
{
    private const int Rounds = 10;
    private readonly Vector128<byte>[] _roundKeys = new Vector128<byte>[Rounds + 1];

    public Aes128NiKeystream(ReadOnlySpan<byte> key)
    {
        if (!IsSupported || key.Length != 16)
            throw new PlatformNotSupportedException("AES-NI with a 128-bit key is required.");
        ExpandKey(Vector128.Create(key), _roundKeys);
    }

    public static bool IsSupported => X86Aes.IsSupported && X86Sse2.IsSupported;

    /// <summary>XORs <paramref name="data"/> with the keystream from <paramref name="initialCounter"/>, adding the block number to its low 16 bits.</summary>
    public void Apply(ReadOnlySpan<byte> initialCounter, Span<byte> data)
    {
        Vector128<ushort> counter = Vector128.Create(initialCounter).AsUInt16();
        ushort low = BinaryPrimitives.ReadUInt16BigEndian(initialCounter.Slice(14, 2));
        ReadOnlySpan<Vector128<byte>> keys = _roundKeys;
        ref byte output = ref MemoryMarshal.GetReference(data);
        int offset = 0;
        int block = 0;

        for (; offset + 64 <= data.Length; offset += 64, block += 4)
        {
            Vector128<byte> b0 = CounterBlock(counter, low, block) ^ keys[0];
            Vector128<byte> b1 = CounterBlock(counter, low, block + 1) ^ keys[0];
            Vector128<byte> b2 = CounterBlock(counter, low, block + 2) ^ keys[0];
            Vector128<byte> b3 = CounterBlock(counter, low, block + 3) ^ keys[0];
            for (int r = 1; r < Rounds; r++)
            {
                b0 = X86Aes.Encrypt(b0, keys[r]);
                b1 = X86Aes.Encrypt(b1, keys[r]);
                b2 = X86Aes.Encrypt(b2, keys[r]);
                b3 = X86Aes.Encrypt(b3, keys[r]);
            }

            XorInto(ref Unsafe.Add(ref output, offset), X86Aes.EncryptLast(b0, keys[Rounds]));
            XorInto(ref Unsafe.Add(ref output, offset + 16), X86Aes.EncryptLast(b1, keys[Rounds]));
            XorInto(ref Unsafe.Add(ref output, offset + 32), X86Aes.EncryptLast(b2, keys[Rounds]));
            XorInto(ref Unsafe.Add(ref output, offset + 48), X86Aes.EncryptLast(b3, keys[Rounds]));
        }

        Span<byte> lastKeystream = stackalloc byte[16];
        for (; offset < data.Length; offset += 16, block++)
        {
            Vector128<byte> b = CounterBlock(counter, low, block) ^ keys[0];
            for (int r = 1; r < Rounds; r++)
                b = X86Aes.Encrypt(b, keys[r]);
            b = X86Aes.EncryptLast(b, keys[Rounds]);
            int remaining = data.Length - offset;
            if (remaining >= 16)
            {
                XorInto(ref Unsafe.Add(ref output, offset), b);
            }
            else
            {
                b.CopyTo(lastKeystream);
                for (int i = 0; i < remaining; i++)
                    data[offset + i] ^= lastKeystream[i];
            }
        }
    }

    private static Vector128<byte> CounterBlock(Vector128<ushort> counter, ushort low, int block) =>
        counter.WithElement(7, BinaryPrimitives.ReverseEndianness(unchecked((ushort)(low + block)))).AsByte();

    private static void XorInto(ref byte destination, Vector128<byte> keystream)
    {
        Vector128<byte> mixed = Vector128.LoadUnsafe(ref destination) ^ keystream;
        mixed.StoreUnsafe(ref destination);
    }

    /// <summary>The AES-128 key schedule (FIPS 197 §5.2) with AESKEYGENASSIST supplying RotWord/SubWord/Rcon.</summary>
    private static void ExpandKey(Vector128<byte> key, Vector128<byte>[] roundKeys)
    {
        roundKeys[0] = key;
        roundKeys[1] = key = NextRoundKey(key, X86Aes.KeygenAssist(key, 0x01));
        roundKeys[2] = key = NextRoundKey(key, X86Aes.KeygenAssist(key, 0x02));
        roundKeys[3] = key = NextRoundKey(key, X86Aes.KeygenAssist(key, 0x04));
        roundKeys[4] = key = NextRoundKey(key, X86Aes.KeygenAssist(key, 0x08));
        roundKeys[5] = key = NextRoundKey(key, X86Aes.KeygenAssist(key, 0x10));
        roundKeys[6] = key = NextRoundKey(key, X86Aes.KeygenAssist(key, 0x20));
        roundKeys[7] = key = NextRoundKey(key, X86Aes.KeygenAssist(key, 0x40));
        roundKeys[8] = key = NextRoundKey(key, X86Aes.KeygenAssist(key, 0x80));
        roundKeys[9] = key = NextRoundKey(key, X86Aes.KeygenAssist(key, 0x1B));
        roundKeys[10] = NextRoundKey(key, X86Aes.KeygenAssist(key, 0x36));
    }

    private static Vector128<byte> NextRoundKey(Vector128<byte> key, Vector128<byte> assist)
    {
        Vector128<byte> rotated = X86Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();
        key ^= X86Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= X86Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= X86Sse2.ShiftLeftLogical128BitLane(key, 4);
        return key ^ rotated;
    }
}
