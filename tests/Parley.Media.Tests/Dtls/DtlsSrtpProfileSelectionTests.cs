using Parley.Media.Dtls;
using Parley.Media.Srtp;

namespace Parley.Media.Tests.Dtls;

public sealed class DtlsSrtpProfileSelectionTests
{
    [Fact]
    public void Our_preference_wins_over_the_offer_order()
    {
        // Chromium's use_srtp offer order.
        int[] chromium = [0x0007, 0x0008, 0x0001, 0x0002];

        Assert.True(DtlsSrtpProfileSelection.TrySelect(DtlsSrtpProfileSelection.DefaultPreference, chromium, out SrtpProfile selected));
        Assert.Equal(SrtpProfile.AeadAes256Gcm, selected);
    }

    [Fact]
    public void Falls_back_to_what_the_peer_has()
    {
        Assert.True(DtlsSrtpProfileSelection.TrySelect(DtlsSrtpProfileSelection.DefaultPreference, [0x0002, 0x0001, 0x0005], out SrtpProfile selected));
        Assert.Equal(SrtpProfile.AesCm128HmacSha1_80, selected);
    }

    [Fact]
    public void Nothing_in_common_selects_nothing()
    {
        Assert.False(DtlsSrtpProfileSelection.TrySelect([SrtpProfile.AeadAes256Gcm], [0x0001, 0x0006], out _));
        Assert.False(DtlsSrtpProfileSelection.TrySelect(DtlsSrtpProfileSelection.DefaultPreference, [], out _));
    }

    [Fact]
    public void Options_reject_an_empty_or_unknown_profile_list()
    {
        Assert.Throws<ArgumentException>(() => new DtlsTransport(TestCertificates.Server, _ => { }, new DtlsTransportOptions { SrtpProfiles = [] }));
        Assert.Throws<ArgumentException>(() => new DtlsTransport(TestCertificates.Server, _ => { }, new DtlsTransportOptions { SrtpProfiles = [(SrtpProfile)5] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DtlsTransport(TestCertificates.Server, _ => { }, new DtlsTransportOptions { MaxDatagramSize = 100 }));
    }
}
