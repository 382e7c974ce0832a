using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Parley.Media.Dtls;

namespace Parley.Media.Tests.Dtls;

public sealed class DtlsFingerprintTests
{
    private static readonly byte[] Abc = Encoding.ASCII.GetBytes("abc");

    // FIPS 180 test vectors for "abc".
    [Theory]
    [InlineData("sha-1", "A9:99:3E:36:47:06:81:6A:BA:3E:25:71:78:50:C2:6C:9C:D0:D8:9D")]
    [InlineData("sha-224", "23:09:7D:22:34:05:D8:22:86:42:A4:77:BD:A2:55:B3:2A:AD:BC:E4:BD:A0:B3:F7:E3:6C:9D:A7")]
    [InlineData("sha-256", "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD")]
    [InlineData("SHA-256", "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD")]
    public void Computes_the_uppercase_colon_form(string algorithm, string expected)
    {
        DtlsFingerprint fingerprint = DtlsFingerprint.Compute(algorithm, Abc);

        Assert.Equal(algorithm.ToLowerInvariant(), fingerprint.Algorithm);
        Assert.Equal(expected, fingerprint.Value);
    }

    [Fact]
    public void Computing_an_unknown_algorithm_throws()
    {
        Assert.Throws<ArgumentException>(() => DtlsFingerprint.Compute("md5", Abc));
    }

    [Theory]
    [InlineData("sha-256", "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD", true)]
    [InlineData("sha-256", "ba:78:16:bf:8f:01:cf:ea:41:41:40:de:5d:ae:22:23:b0:03:61:a3:96:17:7a:9c:b4:10:ff:61:f2:00:15:ad", true)]
    [InlineData("Sha-256", "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD", true)]
    [InlineData("sha-256", "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AE", false)]
    [InlineData("sha-256", "BA:78:16:BF", false)]
    [InlineData("sha-1", "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD", false)]
    [InlineData("md5", "90:01:50:98:3C:D2:4F:B0:D6:96:3F:7D:28:E1:7F:72", false)]
    [InlineData("sha-256", "BA-78-16-BF-8F-01-CF-EA-41-41-40-DE-5D-AE-22-23-B0-03-61-A3-96-17-7A-9C-B4-10-FF-61-F2-00-15-AD", false)]
    [InlineData("sha-256", "ZZ:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD", false)]
    [InlineData("sha-256", "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD:", false)]
    [InlineData("sha-256", "", false)]
    public void Matches_only_the_same_hash(string algorithm, string value, bool expected)
    {
        Assert.Equal(expected, new DtlsFingerprint(algorithm, value).Matches(Abc));
    }

    [Fact]
    public void A_fingerprint_with_null_fields_from_bad_json_does_not_match()
    {
        Assert.False(new DtlsFingerprint(null!, null!).Matches(Abc));
    }

    [Property]
    public bool Format_then_parse_gives_back_the_bytes(NonEmptyArray<byte> bytes)
    {
        byte[] hash = bytes.Get.Length > 64 ? bytes.Get[..64] : bytes.Get;
        string formatted = FingerprintHash.Format(hash);
        byte[] parsed = new byte[64];

        return FingerprintHash.TryParse(formatted, parsed, out int length)
            && parsed.AsSpan(0, length).SequenceEqual(hash)
            && formatted == formatted.ToUpperInvariant();
    }

    [Property]
    public void Parsing_random_text_never_throws(string text)
    {
        FingerprintHash.TryParse(text ?? string.Empty, new byte[64], out _);
        new DtlsFingerprint("sha-256", text ?? string.Empty).Matches(Abc);
    }
}
