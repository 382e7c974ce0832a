using Parley.Media.Srtp;
using static Parley.Media.Tests.Srtp.SrtpTestPackets;

namespace Parley.Media.Tests.Srtp;

/// <summary>Byte-exact test vectors of RFC 3711 appendix B and RFC 7714 §16–17.</summary>
public class SrtpVectorTests
{
    // RFC 7714 §16: session key/salt given directly, the packet "Gallia est omnis divisa in partes tres".
    private static readonly byte[] GcmKey128 = Hex("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] GcmKey256 = Hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static readonly byte[] GcmSalt = Hex("517569642070726f2071756f");
    private static readonly byte[] GcmRtp = Hex("8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976 69736120 696e2070 61727465 73207472 6573");
    private static readonly byte[] GcmRtcp = Hex("81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Rfc3711_B2_aes_cm_keystream(bool allowNative)
    {
        using var cipher = new AesCounterMode(Hex("2B7E151628AED2A6ABF7158809CF4F3C"), allowNative);
        Assert.Equal(allowNative && Aes128NiKeystream.IsSupported, cipher.IsNative);
        var counter = Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        var keystream = new byte[65282 * 16];
        cipher.Apply(counter, keystream);

        Assert.Equal(Hex("E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB 41E95B3BB0A2E8DD477901E4FCA894C0"), keystream[..48]);
        Assert.Equal(Hex("EC8CDF7398607CB0F2D21675EA9EA1E4 362B7C3C6773516318A077D7FC5073AE 6A2CC3787889374FBEB4C81B17BA6C44"), keystream[^48..]);
    }

    [Fact]
    public void The_native_and_portable_keystreams_agree_at_every_length_and_counter()
    {
        var random = new Random(7);
        var key = new byte[16];
        random.NextBytes(key);
        using var native = new AesCounterMode(key);
        using var portable = new AesCounterMode(key, allowNative: false);
        for (var length = 0; length <= 300; length += 7)
        {
            var counter = new byte[16];
            random.NextBytes(counter);
            var a = new byte[length];
            random.NextBytes(a);
            var b = a.ToArray();
            native.Apply(counter, a);
            portable.Apply(counter, b);
            Assert.Equal(b, a);
        }
    }

    [Fact]
    public void Rfc3711_B3_key_derivation()
    {
        var salt = Hex("0EC675AD498AFEEBB6960B3AABE6");
        using var prf = new AesCounterMode(Hex("E1F97A0D3E018BE0D64FA32C06DE4139"));

        var cipherKey = new byte[16];
        SrtpKeyDerivation.Derive(prf, salt, SrtpKeyDerivation.RtpEncryption, cipherKey);
        var cipherSalt = new byte[14];
        SrtpKeyDerivation.Derive(prf, salt, SrtpKeyDerivation.RtpSalt, cipherSalt);
        var authKey = new byte[94];
        SrtpKeyDerivation.Derive(prf, salt, SrtpKeyDerivation.RtpAuthentication, authKey);

        Assert.Equal(Hex("C61E7A93744F39EE10734AFE3FF7A087"), cipherKey);
        Assert.Equal(Hex("30CBBC08863D8C85D49DB34A9AE1"), cipherSalt);
        Assert.Equal(Hex(
            "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE" +
            "E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25" +
            "6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2"), authKey);
    }

    [Fact]
    public void Rfc6188_aes256_key_derivation()
    {
        var salt = Hex("3B04803DE51EE7C96423AB5B78D2");
        using var prf = new AesCounterMode(Hex("F0F04914B513F2763A1B1FA130F10E2998F6F6E43E4309D1E622A0E332B9F1B6"));
        var key = new byte[32];
        SrtpKeyDerivation.Derive(prf, salt, SrtpKeyDerivation.RtpEncryption, key);
        var sessionSalt = new byte[14];
        SrtpKeyDerivation.Derive(prf, salt, SrtpKeyDerivation.RtpSalt, sessionSalt);

        Assert.Equal(Hex("5BA1064E30EC51613CAD926C5A28EF731EC7FB397F70A960653CAF06554CD8C4"), key);
        Assert.Equal(Hex("FA31791685CA444A9E07C6C64E93"), sessionSalt);
    }

    public static TheoryData<object, string> RtpVectors => new()
    {
        // §16.1.1
        { SrtpProfile.AeadAes128Gcm, "8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5 0d294e6f 42a5f47a 51c7d19b 36de3adf 8833899d 7f27beb1 6a9152cf 765ee439 0cce" },
        // §16.2.1
        { SrtpProfile.AeadAes256Gcm, "8040f17b 8041f8d3 5501a0b2 32b1de78 a822fe12 ef9f78fa 332e33aa b1801238 9a58e2f3 b50b2a02 76ffae0f 1ba63799 b87b7aa3 db36dfff d6b0f9bb 7878d7a7 6c13" },
    };

    [Theory]
    [MemberData(nameof(RtpVectors))]
    public void Rfc7714_rtp_encryption_and_decryption(object profileCase, string expectedHex)
    {
        var profile = (SrtpProfile)profileCase;
        var expected = Hex(expectedHex);
        using var sender = GcmContext(profile);
        Assert.Equal(expected, ProtectRtp(sender, GcmRtp));

        using var receiver = GcmContext(profile);
        var buffer = expected.ToArray();
        Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtp(buffer, buffer.Length, out var plainLength));
        Assert.Equal(GcmRtp, buffer[..plainLength]);
    }

    [Fact]
    public void Rfc7714_17_1_srtcp_aes128_gcm_encryption()
    {
        using var sender = GcmContext(SrtpProfile.AeadAes128Gcm);
        sender.SetNextRtcpIndex(0x4d617273, 0x5d4);
        var expected = Hex("81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872 45d9eade 800005d4");
        Assert.Equal(expected, ProtectRtcp(sender, GcmRtcp));

        using var receiver = GcmContext(SrtpProfile.AeadAes128Gcm);
        Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtcp(expected, expected.Length, out var plainLength));
        Assert.Equal(GcmRtcp, expected[..plainLength]);
    }

    [Fact]
    public void Rfc7714_17_2_srtcp_aes256_gcm_decryption()
    {
        using var receiver = GcmContext(SrtpProfile.AeadAes256Gcm);
        var packet = Hex("81c8000d 4d617273 d50ae4d1 f5ce5d30 4ba297e4 7d470c28 2c3ece5d bffe0a50 a2eaa5c1 110555be 8415f658 c61de047 6f1b6fad 1d1eb30c 4446839f 57ff6f6c b26ac3be 800005d4");
        Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtcp(packet, packet.Length, out var plainLength));
        Assert.Equal(GcmRtcp, packet[..plainLength]);
    }

    [Theory]
    // §17.3 and §17.4: the E bit clear, the whole packet authenticated only.
    [InlineData(SrtpProfile.AeadAes128Gcm, "841dd968 3dd78ec9 2ae58790 125f62b3")]
    [InlineData(SrtpProfile.AeadAes256Gcm, "91db4afb feee5a97 8fab4393 ed2615fe")]
    public void Rfc7714_srtcp_authentication_only(object profileCase, string tagHex)
    {
        var profile = (SrtpProfile)profileCase;
        using var receiver = GcmContext(profile);
        var packet = GcmRtcp.Concat(Hex(tagHex)).Concat(Hex("000005d4")).ToArray();
        Assert.Equal(SrtpResult.Ok, receiver.UnprotectRtcp(packet, packet.Length, out var plainLength));
        Assert.Equal(GcmRtcp, packet[..plainLength]);

        var tampered = GcmRtcp.Concat(Hex(tagHex)).Concat(Hex("000005d5")).ToArray();
        Assert.Equal(SrtpResult.AuthenticationFailed, receiver.UnprotectRtcp(tampered, tampered.Length, out _));
    }

    private static SrtpContext GcmContext(SrtpProfile profile)
    {
        var key = profile == SrtpProfile.AeadAes256Gcm ? GcmKey256 : GcmKey128;
        return new SrtpContext(profile, new AesGcmTransform(key, GcmSalt, key, GcmSalt));
    }
}
