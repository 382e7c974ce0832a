namespace Parley.Media.Ortc;

/// <summary>
/// Thrown when RTP capabilities or parameters are malformed, or when they cannot be negotiated
/// (an unsupported codec, no codec in common). The message names the offending field.
/// </summary>
public sealed class OrtcException : Exception
{
    /// <summary>Creates the exception with a message that names the offending field.</summary>
    public OrtcException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public OrtcException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public OrtcException()
    {
    }

    /// <summary>
    /// True when the input was well formed but cannot be served (mediasoup's <c>UnsupportedError</c>),
    /// false when the input itself is malformed (mediasoup's <c>TypeError</c>).
    /// </summary>
    public bool IsUnsupported { get; init; }

    internal static OrtcException Unsupported(string message) => new(message) { IsUnsupported = true };
}
