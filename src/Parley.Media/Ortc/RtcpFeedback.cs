using System.Text.Json.Serialization;

namespace Parley.Media.Ortc;

/// <summary>An RTCP feedback mechanism a codec supports (SDP <c>a=rtcp-fb</c>): <c>nack</c>, <c>nack pli</c>, <c>ccm fir</c>, <c>transport-cc</c>...</summary>
public sealed class RtcpFeedback
{
    /// <summary>The feedback type: <c>nack</c>, <c>ccm</c>, <c>goog-remb</c>, <c>transport-cc</c>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; set; } = "";

    /// <summary>The feedback parameter (<c>pli</c>, <c>fir</c>); empty or absent for none.</summary>
    [JsonPropertyName("parameter")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Parameter { get; set; }

    /// <summary>Creates an empty feedback entry (for deserialization).</summary>
    public RtcpFeedback()
    {
    }

    /// <summary>Creates a feedback entry.</summary>
    public RtcpFeedback(string type, string parameter = "")
    {
        Type = type;
        Parameter = parameter;
    }

    internal bool Matches(RtcpFeedback other) =>
        Type == other.Type && (Parameter ?? "") == (other.Parameter ?? "");

    internal RtcpFeedback Clone() => new() { Type = Type, Parameter = Parameter };

    /// <inheritdoc />
    public override string ToString() => string.IsNullOrEmpty(Parameter) ? Type : $"{Type} {Parameter}";
}
