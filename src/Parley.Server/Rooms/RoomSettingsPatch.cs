using System.Text.Json;
using Parley.Data.Entities;

namespace Parley.Server.Rooms;

/// <summary>
/// A partial <c>settings</c> object, read and checked once for HTTP and the hub alike: every field present is
/// a change, every field absent stays as it is. A field the contract does not name is refused (a misspelt
/// setting silently ignored would look like a setting the server does not enforce).
/// </summary>
public sealed class RoomSettingsPatch
{
    /// <summary>The largest <see cref="RoomSettings.MaxParticipants"/> accepted.</summary>
    public const int MaxParticipantsLimit = 1000;

    /// <summary>The values <see cref="RoomSettings.MaxVideoHeight"/> may take besides null.</summary>
    public static readonly IReadOnlyList<int> VideoHeights = [180, 360, 720, 1080];

    private readonly List<Func<RoomSettings, RoomSettings>> _changes;

    private RoomSettingsPatch(List<Func<RoomSettings, RoomSettings>> changes) => _changes = changes;

    /// <summary>No change at all.</summary>
    public static RoomSettingsPatch None { get; } = new([]);

    public bool IsEmpty => _changes.Count == 0;

    /// <summary>The settings with this patch's changes made.</summary>
    public RoomSettings Apply(RoomSettings settings) => _changes.Aggregate(settings, (current, change) => change(current));

    /// <summary>
    /// Reads <paramref name="settings"/> (an object, or null/undefined for no change); null with
    /// <paramref name="error"/> naming the field when a value is wrong.
    /// </summary>
    public static RoomSettingsPatch? Parse(JsonElement? settings, out string? error)
    {
        error = null;
        if (settings is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return None;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            error = "settings must be an object";
            return null;
        }

        var changes = new List<Func<RoomSettings, RoomSettings>>();
        foreach (var field in element.EnumerateObject())
        {
            var change = field.Name switch
            {
                "locked" => Bool(field, v => s => s with { Locked = v }),
                "muteOnEntry" => Bool(field, v => s => s with { MuteOnEntry = v }),
                "camOffOnEntry" => Bool(field, v => s => s with { CamOffOnEntry = v }),
                "chatEnabled" => Bool(field, v => s => s with { ChatEnabled = v }),
                "videoEnabled" => Bool(field, v => s => s with { VideoEnabled = v }),
                "whoCanShareScreen" => OneOf(field, [RoomAudience.Everyone, RoomAudience.Hosts], v => s => s with { WhoCanShareScreen = v }),
                "whoCanUnmute" => OneOf(field, [RoomAudience.Everyone, RoomAudience.Hosts], v => s => s with { WhoCanUnmute = v }),
                "defaultRole" => OneOf(field, [RoomRoles.Participant, RoomRoles.Viewer], v => s => s with { DefaultRole = v }),
                "maxParticipants" => MaxParticipants(field),
                "maxVideoHeight" => MaxVideoHeight(field),
                _ => Refuse($"settings.{Echo(field.Name)} is not a setting (the settings are locked, muteOnEntry, camOffOnEntry, whoCanShareScreen, whoCanUnmute, chatEnabled, videoEnabled, maxParticipants, maxVideoHeight, defaultRole)"),
            };
            if (change.Error is not null)
            {
                error = change.Error;
                return null;
            }

            changes.Add(change.Apply!);
        }

        return new RoomSettingsPatch(changes);
    }

    private readonly record struct Change(Func<RoomSettings, RoomSettings>? Apply, string? Error);

    private static Change Refuse(string error) => new(null, error);

    private static Change Bool(JsonProperty field, Func<bool, Func<RoomSettings, RoomSettings>> make) => field.Value.ValueKind switch
    {
        JsonValueKind.True => new(make(true), null),
        JsonValueKind.False => new(make(false), null),
        _ => Refuse($"settings.{field.Name} must be true or false"),
    };

    private static Change OneOf(JsonProperty field, string[] allowed, Func<string, Func<RoomSettings, RoomSettings>> make) =>
        field.Value.ValueKind == JsonValueKind.String && field.Value.GetString() is { } value && allowed.Contains(value)
            ? new(make(value), null)
            : Refuse($"settings.{field.Name} must be {string.Join(" or ", allowed.Select(a => $"\"{a}\""))}");

    private static Change MaxParticipants(JsonProperty field)
    {
        if (field.Value.ValueKind == JsonValueKind.Null)
        {
            return new(s => s with { MaxParticipants = null }, null);
        }

        return field.Value.ValueKind == JsonValueKind.Number && field.Value.TryGetInt32(out var max) && max is >= 1 and <= MaxParticipantsLimit
            ? new(s => s with { MaxParticipants = max }, null)
            : Refuse($"settings.maxParticipants must be a whole number from 1 to {MaxParticipantsLimit}, or null for no limit");
    }

    private static Change MaxVideoHeight(JsonProperty field)
    {
        if (field.Value.ValueKind == JsonValueKind.Null)
        {
            return new(s => s with { MaxVideoHeight = null }, null);
        }

        return field.Value.ValueKind == JsonValueKind.Number && field.Value.TryGetInt32(out var height) && VideoHeights.Contains(height)
            ? new(s => s with { MaxVideoHeight = height }, null)
            : Refuse($"settings.maxVideoHeight must be {string.Join(", ", VideoHeights)} or null for no cap");
    }

    private static string Echo(string name) => name.Length <= 40 ? name : name[..40] + "…";
}
