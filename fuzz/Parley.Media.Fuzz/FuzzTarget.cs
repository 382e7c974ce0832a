namespace Parley.Media.Fuzz;

/// <summary>One fuzz target: feeds arbitrary bytes to a parser and throws only when an invariant breaks.</summary>
internal delegate void FuzzTarget(ReadOnlySpan<byte> input);

/// <summary>A broken invariant: the parser accepted input and then contradicted itself (a crash for the fuzzer).</summary>
internal sealed class FuzzInvariantException(string message) : Exception(message)
{
    public static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new FuzzInvariantException(what);
        }
    }
}
