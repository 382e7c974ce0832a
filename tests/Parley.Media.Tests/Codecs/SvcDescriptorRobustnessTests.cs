using Parley.Media.Codecs;

namespace Parley.Media.Tests.Codecs;

/// <summary>Bad input to the SVC parsers is refused or read, never an exception (seeded random bytes, and cut captures).</summary>
public sealed class SvcDescriptorRobustnessTests
{
    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(13);
        var structure = new Av1DependencyStructure();
        var scratch = new Av1DependencyStructure();
        var written = new byte[255];
        var fixture = SvcFixture.Load("av1-l3t3.hex");
        var firstStructure = SvcFixtureChecks.DependencyDescriptorOf(fixture.Packets[0], fixture.DependencyDescriptorId);
        Assert.True(Av1DependencyDescriptorReader.TryRead(firstStructure, null, structure, out _));
        for (var i = 0; i < 20_000; i++)
        {
            var data = new byte[random.Next(0, 64)];
            random.NextBytes(data);
            Vp9PayloadDescriptor.TryRead(data, out _);
            Vp9PayloadDescriptor.IsKeyFrame(data);
            if (Av1DependencyDescriptorReader.TryRead(data, structure, scratch, out var descriptor))
            {
                Av1DependencyDescriptorWriter.Write(descriptor, data, descriptor.HasStructure ? scratch : structure, (uint)random.Next(), written);
            }
        }
    }

    [Fact]
    public void Every_cut_of_a_captured_structure_is_refused_or_read()
    {
        var fixture = SvcFixture.Load("av1-l3t3.hex");
        var data = SvcFixtureChecks.DependencyDescriptorOf(fixture.Packets[0], fixture.DependencyDescriptorId);
        for (var length = 0; length < data.Length; length++)
        {
            // A cut inside the structure cannot be read; a cut after it only loses padding.
            var read = Av1DependencyDescriptorReader.TryRead(data.AsSpan(0, length), null, new Av1DependencyStructure(), out _);
            Assert.True(!read || length >= data.Length - 1, $"a structure cut to {length} of {data.Length} bytes was read");
        }
    }
}
