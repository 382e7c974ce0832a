using FsCheck.Xunit;
using Parley.Media.Ortc;
using System.Text.Json;

namespace Parley.Media.Tests.Ortc;

public sealed class RtpParameterValueTests
{
    [Theory]
    [InlineData("1", 1, true)]
    [InlineData("01", 1, true)]
    [InlineData("1.0", 1, true)]
    [InlineData("2", 1, false)]
    [InlineData("abc", 0, false)]
    [InlineData("", 0, false)]
    public void A_string_equals_a_number_when_it_spells_that_number(string text, int number, bool equal)
    {
        RtpParameterValue s = text;
        RtpParameterValue n = number;

        Assert.Equal(equal, s == n);
        Assert.Equal(equal, n == s);
    }

    [Fact]
    public void Two_strings_compare_as_text()
    {
        Assert.True((RtpParameterValue)"42e01f" == "42e01f");
        Assert.False((RtpParameterValue)"1" == "01");
        Assert.False((RtpParameterValue)"42E01F" == "42e01f");
    }

    [Property]
    public bool Integers_round_trip_through_json_as_numbers(int value)
    {
        var json = JsonSerializer.Serialize((RtpParameterValue)value);
        var back = JsonSerializer.Deserialize<RtpParameterValue>(json);
        return json == value.ToString(System.Globalization.CultureInfo.InvariantCulture) && back.IsNumber && back == value;
    }

    [Property]
    public bool Strings_round_trip_through_json_as_strings(string? value)
    {
        value ??= "";
        var json = JsonSerializer.Serialize((RtpParameterValue)value);
        var back = JsonSerializer.Deserialize<RtpParameterValue>(json);
        return !back.IsNumber && back.ToString() == value;
    }

    [Property]
    public bool Equal_values_have_equal_hash_codes(int value)
    {
        RtpParameterValue n = value;
        RtpParameterValue s = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return n == s && n.GetHashCode() == s.GetHashCode();
    }
}
