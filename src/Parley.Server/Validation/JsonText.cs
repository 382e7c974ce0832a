using System.Text.Json;

namespace Parley.Server.Validation;

/// <summary>
/// Reads strings out of a <see cref="JsonElement"/> (the hub's arguments) under <see cref="TextInput"/>'s rules:
/// <see cref="JsonElement.GetString"/> throws on an escaped lone surrogate (<c>"\ud800"</c>), which would surface as
/// the hub's generic "unexpected error"; here it is an answer the caller turns into a refusal naming the field.
/// </summary>
public static class JsonText
{
    /// <summary>The string value, or false when it is not well-formed UTF-16.</summary>
    public static bool TryGetString(JsonElement value, out string text)
    {
        try
        {
            text = value.GetString() ?? string.Empty;
        }
        catch (InvalidOperationException)
        {
            text = string.Empty;
            return false;
        }

        return TextInput.IsWellFormed(text);
    }

    /// <summary>
    /// The path (from <paramref name="path"/>, e.g. <c>appData.label</c>) of the first string value or property name
    /// inside <paramref name="value"/> that is not well-formed UTF-16, or null when all are.
    /// </summary>
    public static string? FindMalformedString(JsonElement value, string path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return TryGetString(value, out _) ? null : path;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (FindMalformedString(item, $"{path}[{index++}]") is { } bad)
                    {
                        return bad;
                    }
                }

                return null;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return path + " (a property name)";
                    }

                    if (!TextInput.IsWellFormed(name))
                    {
                        return path + " (a property name)";
                    }

                    if (FindMalformedString(property.Value, $"{path}.{name}") is { } bad)
                    {
                        return bad;
                    }
                }

                return null;
            default:
                return null;
        }
    }
}
