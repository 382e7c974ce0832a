using FsCheck.Xunit;
using Parley.Media.Rtp;

namespace Parley.Media.Tests.Rtp;

public class SequenceNumbersTests
{
    [Theory]
    [InlineData(1, 0, true)]
    [InlineData(0, 65535, true)]
    [InlineData(65535, 0, false)]
    [InlineData(100, 100, false)]
    [InlineData(0x7fff, 0, true)]
    [InlineData(0x8000, 0, true)] // half the ring: larger raw value wins
    [InlineData(0, 0x8000, false)]
    [InlineData(5, 65000, true)]
    public void IsNewer_handles_wrap(int candidate, int reference, bool expected)
    {
        Assert.Equal(expected, SequenceNumbers.IsNewer((ushort)candidate, (ushort)reference));
    }

    [Theory]
    [InlineData(65535, 1, 2)]
    [InlineData(1, 65535, -2)]
    [InlineData(10, 10, 0)]
    [InlineData(0, 0x7fff, 32767)]
    [InlineData(0, 0x8000, -32768)]
    public void Distance_is_signed_across_the_wrap(int from, int to, int expected)
    {
        Assert.Equal(expected, SequenceNumbers.Distance((ushort)from, (ushort)to));
    }

    [Property]
    public bool IsNewer_is_antisymmetric(ushort a, ushort b) =>
        a == b ? !SequenceNumbers.IsNewer(a, b) && !SequenceNumbers.IsNewer(b, a) : SequenceNumbers.IsNewer(a, b) != SequenceNumbers.IsNewer(b, a);

    [Property]
    public bool Distance_undoes_addition(ushort start, short step) =>
        SequenceNumbers.Distance(start, (ushort)(start + step)) == step;

    [Property]
    public bool Latest_is_one_of_the_two_and_not_older(ushort a, ushort b)
    {
        var latest = SequenceNumbers.Latest(a, b);
        return (latest == a || latest == b) && !SequenceNumbers.IsNewer(a == latest ? b : a, latest);
    }
}
