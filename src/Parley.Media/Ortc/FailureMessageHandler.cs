using System.Runtime.CompilerServices;

namespace Parley.Media.Ortc;

/// <summary>
/// Builds a validation failure message only when the check failed, as <c>Debug.Assert</c>'s handler
/// does, so that validating well-formed input formats no strings.
/// </summary>
[InterpolatedStringHandler]
internal ref struct FailureMessageHandler
{
    private DefaultInterpolatedStringHandler _builder;

    public FailureMessageHandler(int literalLength, int formattedCount, bool condition, out bool shouldAppend)
    {
        shouldAppend = !condition;
        _builder = shouldAppend ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    public void AppendLiteral(string value) => _builder.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => _builder.AppendFormatted(value);

    public string ToStringAndClear() => _builder.ToStringAndClear();
}
