using Parley.Media.Srtp;

namespace Parley.Media.Dtls;

/// <summary>The use_srtp profile choice (RFC 5764 §4.1.1): ours is the preference order.</summary>
internal static class DtlsSrtpProfileSelection
{
    /// <summary>Strongest first; these are the profiles Chromium offers.</summary>
    internal static readonly SrtpProfile[] DefaultPreference =
    [
        SrtpProfile.AeadAes256Gcm,
        SrtpProfile.AeadAes128Gcm,
        SrtpProfile.AesCm128HmacSha1_80,
        SrtpProfile.AesCm128HmacSha1_32,
    ];

    /// <summary>The first of our profiles that the peer also offers.</summary>
    internal static bool TrySelect(IReadOnlyList<SrtpProfile> ours, ReadOnlySpan<int> offered, out SrtpProfile selected)
    {
        foreach (SrtpProfile candidate in ours)
        {
            if (offered.Contains((int)candidate))
            {
                selected = candidate;
                return true;
            }
        }

        selected = default;
        return false;
    }

    internal static int[] ToWire(IReadOnlyList<SrtpProfile> profiles) => profiles.Select(p => (int)p).ToArray();
}
