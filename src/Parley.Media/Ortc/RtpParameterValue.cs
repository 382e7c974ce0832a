using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parley.Media.Ortc;

/// <summary>
/// A codec or header extension parameter value (an SDP <c>a=fmtp</c> value), which is a JSON
/// string or a JSON number: <c>"packetization-mode": 1</c>, <c>"profile-level-id": "42e01f"</c>.
/// It remembers which one it was so that it serializes back unchanged, and compares a string
/// equal to a number when the string spells that number (<c>"1"</c> equals <c>1</c>).
/// </summary>
[JsonConverter(typeof(RtpParameterValueJsonConverter))]
public readonly struct RtpParameterValue : IEquatable<RtpParameterValue>
{
    private readonly string? _text;
    private readonly double _number;

    private RtpParameterValue(string text)
    {
        _text = text;
        _number = 0;
    }

    private RtpParameterValue(double number)
    {
        _text = null;
        _number = number;
    }

    /// <summary>True when the value is a JSON number, false when it is a JSON string.</summary>
    public bool IsNumber => _text is null;

    /// <summary>Creates a string value.</summary>
    public static RtpParameterValue FromString(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new RtpParameterValue(text);
    }

    /// <summary>Creates a numeric value.</summary>
    public static RtpParameterValue FromNumber(double number) => new(number);

    /// <summary>Converts a string to a string value.</summary>
    public static implicit operator RtpParameterValue(string text) => FromString(text);

    /// <summary>Converts an integer to a numeric value.</summary>
    public static implicit operator RtpParameterValue(int number) => FromNumber(number);

    /// <summary>
    /// The value as a number: the number itself, or the string parsed as an invariant-culture number.
    /// </summary>
    public bool TryGetNumber(out double number)
    {
        if (_text is null)
        {
            number = _number;
            return true;
        }

        return double.TryParse(_text, NumberStyles.Float, CultureInfo.InvariantCulture, out number)
            && double.IsFinite(number);
    }

    /// <summary>The value as a 32-bit integer, when it is (or spells) a whole number in range.</summary>
    public bool TryGetInt32(out int value)
    {
        if (TryGetNumber(out var number) && number == Math.Floor(number) && number is >= int.MinValue and <= int.MaxValue)
        {
            value = (int)number;
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>True when the value is a JSON number holding a whole number that fits an <see cref="int"/>.</summary>
    internal bool IsInt32Number => IsNumber && TryGetInt32(out _);

    /// <summary>The value as text: a string as is, a number in invariant culture (<c>1</c>, <c>0.5</c>).</summary>
    public override string ToString() => _text ?? _number.ToString("R", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public bool Equals(RtpParameterValue other)
    {
        if (_text is not null && other._text is not null)
        {
            return string.Equals(_text, other._text, StringComparison.Ordinal);
        }

        // At least one side is a number: compare numerically, so "1" equals 1 but "abc" equals nothing numeric.
        return TryGetNumber(out var mine) && other.TryGetNumber(out var theirs) && mine == theirs;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RtpParameterValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() =>
        TryGetNumber(out var number) ? number.GetHashCode() : StringComparer.Ordinal.GetHashCode(_text!);

    /// <summary>Value equality with the string/number rule of <see cref="Equals(RtpParameterValue)"/>.</summary>
    public static bool operator ==(RtpParameterValue left, RtpParameterValue right) => left.Equals(right);

    /// <summary>Value inequality with the string/number rule of <see cref="Equals(RtpParameterValue)"/>.</summary>
    public static bool operator !=(RtpParameterValue left, RtpParameterValue right) => !left.Equals(right);

    internal void Write(Utf8JsonWriter writer)
    {
        if (_text is not null)
        {
            writer.WriteStringValue(_text);
        }
        else if (_number == Math.Floor(_number) && Math.Abs(_number) < 9.007199254740992E15)
        {
            writer.WriteNumberValue((long)_number);
        }
        else
        {
            writer.WriteNumberValue(_number);
        }
    }
}

/// <summary>Reads a JSON string or number into an <see cref="RtpParameterValue"/>; anything else is malformed.</summary>
internal sealed class RtpParameterValueJsonConverter : JsonConverter<RtpParameterValue>
{
    public override RtpParameterValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => RtpParameterValue.FromString(reader.GetString()!),
            JsonTokenType.Number when reader.TryGetDouble(out var number) && double.IsFinite(number) => RtpParameterValue.FromNumber(number),
            JsonTokenType.Number => throw new JsonException("A parameter value is a number too large to hold."),
            _ => throw new JsonException($"A parameter value must be a string or a number, not {reader.TokenType}."),
        };

    public override void Write(Utf8JsonWriter writer, RtpParameterValue value, JsonSerializerOptions options) => value.Write(writer);
}
