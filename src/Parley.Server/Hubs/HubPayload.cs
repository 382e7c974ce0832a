using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Parley.Server.RoomMedia;
using Parley.Server.Validation;

namespace Parley.Server.Hubs;

/// <summary>
/// Reads a hub method's one object argument. The hub takes arguments as <see cref="JsonElement"/> so that a
/// null, a string, a missing field or a number where a string belongs is refused here, with a message that
/// names the method and the field, rather than failing in SignalR's binder with a generic error.
/// Fields the contract does not name (a <c>userId</c> or <c>token</c>, say) are ignored.
/// </summary>
internal static class HubPayload
{
    /// <summary>Room and user ids are 24-32 characters; anything much longer is not an id.</summary>
    public const int MaxIdLength = 64;

    /// <summary>The argument is an object, and every string in it is well-formed text.</summary>
    public static void RequireObject(JsonElement argument, string method)
    {
        if (argument.ValueKind != JsonValueKind.Object)
        {
            throw new HubException($"{method} takes one object argument, not {Describe(argument.ValueKind)}");
        }

        RequireWellFormedText(argument, method);
    }

    /// <summary>A required id field: a non-empty string of letters, digits, '-' and '_', at most <see cref="MaxIdLength"/> long.</summary>
    public static string RequireId(JsonElement argument, string method, string field)
    {
        RequireObject(argument, method);
        if (!argument.TryGetProperty(field, out var value) || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            throw new HubException($"{method}: {field} is required");
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new HubException($"{method}: {field} must be a string, not {Describe(value.ValueKind)}");
        }

        var id = RequireText(value, method, field);
        if (id.Length == 0)
        {
            throw new HubException($"{method}: {field} must not be empty");
        }

        if (id.Length > MaxIdLength)
        {
            throw new HubException($"{method}: {field} is too long (at most {MaxIdLength} characters)");
        }

        if (!id.AsSpan().ContainsAnyExcept(IdCharacters))
        {
            return id;
        }

        throw new HubException($"{method}: {field} is not a valid id (letters, digits, '-' and '_' only)");
    }

    /// <summary>An optional boolean field: absent or null leaves it unchanged.</summary>
    public static bool? OptionalBool(JsonElement argument, string method, string field)
    {
        if (!argument.TryGetProperty(field, out var value) || value.ValueKind is JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new HubException($"{method}: {field} must be true or false, not {Describe(value.ValueKind)}"),
        };
    }

    /// <summary>
    /// The text of a string value; a lone UTF-16 surrogate in it is a refusal naming the field (the shared rule in
    /// <see cref="TextInput"/>), not a failure in <see cref="JsonElement.GetString"/>.
    /// </summary>
    public static string RequireText(JsonElement value, string method, string field) =>
        JsonText.TryGetString(value, out var text)
            ? text
            : throw new HubException($"{method}: {TextInput.LoneSurrogateMessage(field)}");

    /// <summary>Refuses an argument with a malformed string anywhere inside it (fields the method ignores included).</summary>
    public static void RequireWellFormedText(JsonElement argument, string method)
    {
        if (JsonText.FindMalformedString(argument, "$") is { } path)
        {
            throw new HubException($"{method}: {TextInput.LoneSurrogateMessage(path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path)}");
        }
    }

    public static MediaFlagsChange ReadFlags(JsonElement argument, string method)
    {
        RequireObject(argument, method);
        return new MediaFlagsChange(
            OptionalBool(argument, method, "isMicActive"),
            OptionalBool(argument, method, "isCamActive"),
            OptionalBool(argument, method, "isShareScreen"));
    }

    private static readonly System.Buffers.SearchValues<char> IdCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
