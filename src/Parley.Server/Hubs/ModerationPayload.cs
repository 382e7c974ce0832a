using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Parley.Data.Entities;
using Parley.Server.RoomMedia;
using Parley.Server.Rooms;

namespace Parley.Server.Hubs;

/// <summary>Reads the arguments of the room-settings and moderation methods, like <see cref="HubPayload"/>.</summary>
internal static class ModerationPayload
{
    /// <summary><c>updateRoom({name?, requireAccessBeforeJoining?, settings?})</c>, checked; the name trimmed.</summary>
    public static RoomChange ReadRoomChange(JsonElement argument)
    {
        const string method = "updateRoom";
        HubPayload.RequireObject(argument, method);
        string? name = null;
        if (argument.TryGetProperty("name", out var rawName) && rawName.ValueKind != JsonValueKind.Null)
        {
            if (rawName.ValueKind != JsonValueKind.String)
            {
                throw new HubException($"{method}: name must be a string");
            }

            name = RoomService.NormalizeName(HubPayload.RequireText(rawName, method, "name"), out var error)
                ?? throw new HubException($"{method}: {error}");
        }

        var require = HubPayload.OptionalBool(argument, method, "requireAccessBeforeJoining");
        JsonElement? rawSettings = argument.TryGetProperty("settings", out var s) ? s : null;
        var settings = RoomSettingsPatch.Parse(rawSettings, out var settingsError) ?? throw new HubException($"{method}: {settingsError}");
        return new RoomChange(name, require, settings);
    }

    /// <summary><c>setRole({userId, role})</c>: role is co-host, participant or viewer (host is the owner's alone).</summary>
    public static (string UserId, string Role) ReadRole(JsonElement argument)
    {
        const string method = "setRole";
        var userId = HubPayload.RequireId(argument, method, "userId");
        var role = argument.TryGetProperty("role", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return role is RoomRoles.CoHost or RoomRoles.Participant or RoomRoles.Viewer
            ? (userId, role)
            : throw new HubException($"{method}: role must be \"co-host\", \"participant\" or \"viewer\"");
    }

    /// <summary><c>stopVideo({userId, source})</c>: source is cam or screen.</summary>
    public static (string UserId, MediaSource Source) ReadStopVideo(JsonElement argument)
    {
        const string method = "stopVideo";
        var userId = HubPayload.RequireId(argument, method, "userId");
        var source = argument.TryGetProperty("source", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return source switch
        {
            "cam" => (userId, MediaSource.Cam),
            "screen" => (userId, MediaSource.Screen),
            _ => throw new HubException($"{method}: source must be \"cam\" or \"screen\""),
        };
    }

    /// <summary>An optional id field (<c>lowerHand({userId?})</c>).</summary>
    public static string? OptionalId(JsonElement argument, string method, string field)
    {
        HubPayload.RequireObject(argument, method);
        return argument.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null
            ? HubPayload.RequireId(argument, method, field)
            : null;
    }

    /// <summary><c>sendReaction({emoji})</c>: the string; whether it is one of the ten is the membership service's check.</summary>
    public static string ReadEmoji(JsonElement argument)
    {
        const string method = "sendReaction";
        HubPayload.RequireObject(argument, method);
        return argument.TryGetProperty("emoji", out var value) && value.ValueKind == JsonValueKind.String
            ? HubPayload.RequireText(value, method, "emoji")
            : throw new HubException($"{method}: emoji is required (a string)");
    }
}

/// <summary>An <c>updateRoom</c> request; null fields stay as they are.</summary>
internal sealed record RoomChange(string? Name, bool? RequireAccessBeforeJoining, RoomSettingsPatch Settings);
