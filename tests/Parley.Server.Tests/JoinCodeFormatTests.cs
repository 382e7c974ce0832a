using Parley.Data;
using Parley.Server.Rooms;

namespace Parley.Server.Tests;

/// <summary>The pure join-code and id rules (no database).</summary>
public sealed class JoinCodeFormatTests
{
    [Theory]
    [InlineData("abcdef", "ABCDEF")]
    [InlineData("Zz2345", "ZZ2345")]
    [InlineData("XYZ789", "XYZ789")]
    public void Normalize_upper_cases_valid_codes(string input, string expected) =>
        Assert.Equal(expected, JoinCodes.Normalize(input));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ABCDE")]
    [InlineData("ABCDEFG")]
    [InlineData("ABCDE0")]
    [InlineData("ABCDE1")]
    [InlineData("ABCDEO")]
    [InlineData("ABCDEI")]
    [InlineData("ABC-EF")]
    [InlineData("ABCDÉF")]
    public void Normalize_rejects_what_cannot_be_a_code(string? input) =>
        Assert.Null(JoinCodes.Normalize(input));

    [Fact]
    public void The_random_generator_uses_every_letter_of_the_alphabet_and_nothing_else()
    {
        var generator = new RandomJoinCodeGenerator();
        var seen = new HashSet<char>();
        for (var i = 0; i < 2000; i++)
        {
            var code = generator.NewCode();
            Assert.Equal(JoinCodes.Length, code.Length);
            Assert.Equal(code, JoinCodes.Normalize(code));
            seen.UnionWith(code);
        }

        Assert.Equal(JoinCodes.Alphabet.Order(), seen.Order());
    }

    [Fact]
    public void Ids_are_cuid2_style()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => IdGenerator.NewId()).ToList();
        Assert.All(ids, id => Assert.Matches("^[a-z][a-z0-9]{23}$", id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
