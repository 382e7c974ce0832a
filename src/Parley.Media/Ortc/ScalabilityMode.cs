using System.Globalization;

namespace Parley.Media.Ortc;

/// <summary>
/// A parsed scalability mode (W3C webrtc-svc): <c>L3T3_KEY</c> is 3 spatial layers, 3 temporal
/// layers, with inter-layer prediction only on key frames (K-SVC). <c>S</c> modes are simulcast-like.
/// </summary>
internal readonly record struct ScalabilityMode(int SpatialLayers, int TemporalLayers, bool KeySvc)
{
    /// <summary>What an absent or unrecognised mode means: one spatial and one temporal layer.</summary>
    public static readonly ScalabilityMode Single = new(1, 1, false);

    /// <summary>Parses <c>L</c>/<c>S</c> + spatial count + <c>T</c> + temporal count (+ <c>_KEY</c>); anything else gives <see cref="Single"/>.</summary>
    public static ScalabilityMode Parse(string? text) => TryParse(text, out var mode) ? mode : Single;

    /// <summary>Parses a scalability mode; false when <paramref name="text"/> is not one.</summary>
    public static bool TryParse(string? text, out ScalabilityMode mode)
    {
        mode = Single;
        if (string.IsNullOrEmpty(text) || (text[0] != 'L' && text[0] != 'S'))
        {
            return false;
        }

        var span = text.AsSpan(1);
        var t = span.IndexOf('T');
        if (t <= 0 || !TryParseLayerCount(span[..t], out var spatial))
        {
            return false;
        }

        var rest = span[(t + 1)..];
        var keySvc = rest.EndsWith("_KEY", StringComparison.Ordinal);
        if (keySvc)
        {
            rest = rest[..^4];
        }

        if (!TryParseLayerCount(rest, out var temporal))
        {
            return false;
        }

        mode = new ScalabilityMode(spatial, temporal, keySvc);
        return true;
    }

    private static bool TryParseLayerCount(ReadOnlySpan<char> digits, out int count)
    {
        count = 0;
        return digits.Length is 1 or 2
            && digits[0] != '0'
            && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out count);
    }
}
