using Parley.Media.Dtls;
using Parley.Media.Srtp;

namespace Parley.Media.Tests.Dtls;

public sealed class DtlsSrtpKeysTests
{
    private static byte[] Counting(int length) => Enumerable.Range(0, length).Select(i => (byte)i).ToArray();

    private static byte[] Range(int start, int count) => Enumerable.Range(start, count).Select(i => (byte)i).ToArray();

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1_80, 60)]
    [InlineData(SrtpProfile.AesCm128HmacSha1_32, 60)]
    [InlineData(SrtpProfile.AeadAes128Gcm, 56)]
    [InlineData(SrtpProfile.AeadAes256Gcm, 88)]
    public void Exports_two_keys_and_two_salts(object profileCase, int expected)
    {
        var profile = (SrtpProfile)profileCase;
        Assert.Equal(expected, DtlsSrtpKeys.KeyingMaterialLength(profile));
    }

    [Fact]
    public void The_client_protects_with_the_client_write_key_and_salt()
    {
        DtlsSrtpKeys keys = DtlsSrtpKeys.FromKeyingMaterial(SrtpProfile.AesCm128HmacSha1_80, Counting(60), weAreClient: true);

        Assert.Equal(SrtpProfile.AesCm128HmacSha1_80, keys.Profile);
        Assert.Equal(Range(0, 16), keys.LocalMasterKey.ToArray());
        Assert.Equal(Range(16, 16), keys.RemoteMasterKey.ToArray());
        Assert.Equal(Range(32, 14), keys.LocalMasterSalt.ToArray());
        Assert.Equal(Range(46, 14), keys.RemoteMasterSalt.ToArray());
    }

    [Fact]
    public void The_server_protects_with_the_server_write_key_and_salt()
    {
        DtlsSrtpKeys keys = DtlsSrtpKeys.FromKeyingMaterial(SrtpProfile.AeadAes256Gcm, Counting(88), weAreClient: false);

        Assert.Equal(Range(32, 32), keys.LocalMasterKey.ToArray());
        Assert.Equal(Range(0, 32), keys.RemoteMasterKey.ToArray());
        Assert.Equal(Range(76, 12), keys.LocalMasterSalt.ToArray());
        Assert.Equal(Range(64, 12), keys.RemoteMasterSalt.ToArray());
    }

    [Fact]
    public void Rejects_material_of_the_wrong_length()
    {
        Assert.Throws<ArgumentException>(() => DtlsSrtpKeys.FromKeyingMaterial(SrtpProfile.AeadAes128Gcm, Counting(60), weAreClient: true));
    }
}
