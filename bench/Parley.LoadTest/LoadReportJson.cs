using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parley.LoadTest;

/// <summary>camelCase, indented, NaN written as a string (no sample: "NaN").</summary>
internal static class LoadReportJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
