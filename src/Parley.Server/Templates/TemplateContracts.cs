using System.Text.Json;
using Parley.Data.Entities;

namespace Parley.Server.Templates;

/// <summary>The contract's <c>template</c>: room settings to create rooms from.</summary>
public sealed record TemplateDto(string Id, string Name, bool BuiltIn, bool RequireAccessBeforeJoining, RoomSettings Settings)
{
    internal static TemplateDto From(RoomTemplate template) =>
        new(template.Id, template.Name, BuiltIn: false, template.RequireAccessBeforeJoining, template.Settings);
}

/// <summary><c>{template}</c></summary>
public sealed record TemplateResponse(TemplateDto Template);

/// <summary><c>{templates:[template]}</c></summary>
public sealed record TemplateListResponse(IReadOnlyList<TemplateDto> Templates);

/// <summary>
/// Body of <c>POST /api/templates</c>: <c>{name, requireAccessBeforeJoining?, settings?}</c>, or <c>{name, fromRoomId}</c>
/// to save a room's settings.
/// </summary>
public sealed record CreateTemplateRequest(string? Name, bool? RequireAccessBeforeJoining = null, JsonElement? Settings = null, string? FromRoomId = null);

/// <summary>Body of <c>PATCH /api/templates/{id}</c>; settings are a partial change.</summary>
public sealed record UpdateTemplateRequest(string? Name, bool? RequireAccessBeforeJoining = null, JsonElement? Settings = null);
