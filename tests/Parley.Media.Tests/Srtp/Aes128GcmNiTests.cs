using System.Security.Cryptography;
using FsCheck;
using FsCheck.Xunit;
using Parley.Media.Srtp;

namespace Parley.Media.Tests.Srtp;

/// <summary>Our AES-NI/PCLMULQDQ GCM against the runtime's <see cref="AesGcm"/> (OpenSSL here) and a published vector.</summary>
public sealed class Aes128GcmNiTests
{
    [Fact]
    public void The_machine_running_the_suite_has_the_instructions()
    {
        // The suite's machines are x86-64 with AES-NI and CLMUL; if not, every other test here would prove nothing.
        Assert.True(Aes128GcmNi.IsSupported);
    }

    [Fact]
    public void Matches_the_gcm_specification_test_case_4()
    {
        // McGrew & Viega, "The Galois/Counter Mode of Operation", test case 4 (AES-128, 60-byte plaintext, 20-byte AAD).
        var key = Convert.FromHexString("feffe9928665731c6d6a8f9467308308");
        var nonce = Convert.FromHexString("cafebabefacedbaddecaf888");
        var plain = Convert.FromHexString(
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
        var aad = Convert.FromHexString("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        var data = (byte[])plain.Clone();
        var tag = new byte[16];

        new Aes128GcmNi(key).Encrypt(nonce, data, tag, aad);

        Assert.Equal(
            "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
            Convert.ToHexStringLower(data));
        Assert.Equal("5bc94fbc3221a5db94fae95ae7121a47", Convert.ToHexStringLower(tag));
    }

    [Property(MaxTest = 300)]
    public void Encrypts_exactly_like_the_runtime(NonEmptyArray<byte> keySeed, byte[] plain, byte[] aad)
    {
        var key = Stretch(keySeed.Get, 16);
        var nonce = Stretch(keySeed.Get.Reverse().ToArray(), 12);
        var expected = new byte[plain.Length];
        var expectedTag = new byte[16];
        using (var reference = new AesGcm(key, 16))
        {
            reference.Encrypt(nonce, plain, expected, expectedTag, aad);
        }

        var data = (byte[])plain.Clone();
        var tag = new byte[16];
        var gcm = new Aes128GcmNi(key);
        gcm.Encrypt(nonce, data, tag, aad);
        Assert.Equal(expected, data);
        Assert.Equal(expectedTag, tag);

        Assert.True(gcm.TryDecrypt(nonce, data, tag, aad));
        Assert.Equal(plain, data);
    }

    [Theory]
    [InlineData(0, 12)]
    [InlineData(1, 12)]
    [InlineData(16, 0)]
    [InlineData(63, 16)]
    [InlineData(64, 64)]
    [InlineData(65, 65)]
    [InlineData(1200, 12)]
    [InlineData(1480, 200)]
    public void Every_length_around_the_four_block_path_matches_the_runtime(int plainLength, int aadLength)
    {
        var random = new Random(plainLength * 1000 + aadLength);
        var key = new byte[16];
        var nonce = new byte[12];
        var plain = new byte[plainLength];
        var aad = new byte[aadLength];
        random.NextBytes(key);
        random.NextBytes(nonce);
        random.NextBytes(plain);
        random.NextBytes(aad);
        var expected = new byte[plainLength];
        var expectedTag = new byte[16];
        using (var reference = new AesGcm(key, 16))
        {
            reference.Encrypt(nonce, plain, expected, expectedTag, aad);
        }

        var data = (byte[])plain.Clone();
        var tag = new byte[16];
        new Aes128GcmNi(key).Encrypt(nonce, data, tag, aad);
        Assert.Equal(expected, data);
        Assert.Equal(expectedTag, tag);
    }

    [Property(MaxTest = 100)]
    public void Refuses_any_flipped_bit_and_leaves_the_data_alone(NonEmptyArray<byte> plainSeed, PositiveInt where)
    {
        var key = Stretch([1, 2, 3], 16);
        var nonce = Stretch([4, 5, 6], 12);
        var plain = plainSeed.Get;
        byte[] aad = [9, 8, 7, 6, 5];
        var gcm = new Aes128GcmNi(key);
        var data = (byte[])plain.Clone();
        var tag = new byte[16];
        gcm.Encrypt(nonce, data, tag, aad);

        var bit = where.Get % ((data.Length + tag.Length + aad.Length) * 8);
        var target = bit < data.Length * 8 ? data : bit < (data.Length + tag.Length) * 8 ? tag : aad;
        var offset = bit < data.Length * 8 ? bit : bit < (data.Length + tag.Length) * 8 ? bit - (data.Length * 8) : bit - ((data.Length + tag.Length) * 8);
        target[offset / 8] ^= (byte)(1 << (offset % 8));
        var tampered = (byte[])data.Clone();

        Assert.False(gcm.TryDecrypt(nonce, data, tag, aad));
        Assert.Equal(tampered, data);
    }

    private static byte[] Stretch(byte[] seed, int length)
    {
        var result = new byte[length];
        for (var i = 0; i < length; i++)
        {
            result[i] = (byte)(seed[i % seed.Length] + (i * 31));
        }

        return result;
    }
}
