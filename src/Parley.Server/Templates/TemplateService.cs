using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Entities;
using Parley.Server.Rooms;
using Parley.Server.Validation;

namespace Parley.Server.Templates;

/// <summary>What a template operation came to: the template, or the status and why not.</summary>
internal sealed record TemplateOutcome(TemplateDto? Template, int Status, string? Problem)
{
    public static TemplateOutcome Fail(int status, string problem) => new(null, status, problem);
}

/// <summary>Users' templates and the built-in ones: listing, saving, renaming, changing, deleting, and resolving one for a new room.</summary>
internal sealed class TemplateService(ParleyDbContext db, TimeProvider time)
{
    /// <summary>Templates one user may save.</summary>
    public const int MaxPerUser = 50;

    public async Task<IReadOnlyList<TemplateDto>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        var own = await db.RoomTemplates.AsNoTracking().Where(t => t.OwnerId == userId)
            .OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).ToListAsync(cancellationToken);
        return [.. BuiltInTemplates.All, .. own.Select(TemplateDto.From)];
    }

    /// <summary>A built-in template or one of <paramref name="userId"/>'s own; null otherwise (someone else's is not found).</summary>
    public async Task<TemplateDto?> FindAsync(string templateId, string userId, CancellationToken cancellationToken)
    {
        if (BuiltInTemplates.Find(templateId) is { } builtIn)
        {
            return builtIn;
        }

        if (!IdGenerator.IsWellFormed(templateId))
        {
            return null;
        }

        var template = await db.RoomTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == templateId && t.OwnerId == userId, cancellationToken);
        return template is null ? null : TemplateDto.From(template);
    }

    public async Task<TemplateOutcome> CreateAsync(string userId, CreateTemplateRequest request, CancellationToken cancellationToken)
    {
        var name = NormalizeName(request.Name, out var error);
        if (name is null)
        {
            return TemplateOutcome.Fail(StatusCodes.Status400BadRequest, error!);
        }

        if (await db.Users.Where(u => u.Id == userId).Select(u => (bool?)u.IsGuest).FirstOrDefaultAsync(cancellationToken) is not false)
        {
            return TemplateOutcome.Fail(StatusCodes.Status403Forbidden, "Guests cannot save templates. Register an account and sign in with it.");
        }

        bool requireAccess;
        RoomSettings settings;
        if (request.FromRoomId is not null)
        {
            if (request.Settings is not null || request.RequireAccessBeforeJoining is not null)
            {
                return TemplateOutcome.Fail(StatusCodes.Status400BadRequest,
                    "Send either 'fromRoomId' (to save that room's settings) or 'settings'/'requireAccessBeforeJoining', not both.");
            }

            var room = IdGenerator.IsWellFormed(request.FromRoomId)
                ? await db.Rooms.AsNoTracking().FirstOrDefaultAsync(r => r.Id == request.FromRoomId, cancellationToken)
                : null;
            if (room is null)
            {
                return TemplateOutcome.Fail(StatusCodes.Status404NotFound, "No room has that id ('fromRoomId').");
            }

            if (room.OwnerId != userId && !room.CoHostIds.Contains(userId))
            {
                return TemplateOutcome.Fail(StatusCodes.Status403Forbidden, "Only the room's hosts (its owner and co-hosts) can save its settings as a template ('fromRoomId').");
            }

            requireAccess = room.RequireAccessBeforeJoining;
            settings = room.Settings;
        }
        else
        {
            if (RoomSettingsPatch.Parse(request.Settings, out error) is not { } patch)
            {
                return TemplateOutcome.Fail(StatusCodes.Status400BadRequest, error!);
            }

            requireAccess = request.RequireAccessBeforeJoining ?? false;
            settings = patch.Apply(new RoomSettings());
        }

        if (await db.RoomTemplates.CountAsync(t => t.OwnerId == userId, cancellationToken) >= MaxPerUser)
        {
            return TemplateOutcome.Fail(StatusCodes.Status409Conflict, $"You have {MaxPerUser} templates, the most one user may have. Delete one first.");
        }

        var now = Timestamps.UtcNow(time);
        var template = new RoomTemplate
        {
            OwnerId = userId, Name = name, RequireAccessBeforeJoining = requireAccess, Settings = settings, CreatedAt = now, UpdatedAt = now,
        };
        db.RoomTemplates.Add(template);
        await db.SaveChangesAsync(cancellationToken);
        return new(TemplateDto.From(template), StatusCodes.Status201Created, null);
    }

    public async Task<TemplateOutcome> UpdateAsync(string userId, string templateId, UpdateTemplateRequest request, CancellationToken cancellationToken)
    {
        if (BuiltInTemplates.Find(templateId) is not null)
        {
            return BuiltInRefused();
        }

        string? name = null;
        if (request.Name is not null && (name = NormalizeName(request.Name, out var error)) is null)
        {
            return TemplateOutcome.Fail(StatusCodes.Status400BadRequest, error!);
        }

        if (RoomSettingsPatch.Parse(request.Settings, out var settingsError) is not { } patch)
        {
            return TemplateOutcome.Fail(StatusCodes.Status400BadRequest, settingsError!);
        }

        var template = IdGenerator.IsWellFormed(templateId)
            ? await db.RoomTemplates.FirstOrDefaultAsync(t => t.Id == templateId && t.OwnerId == userId, cancellationToken)
            : null;
        if (template is null)
        {
            return NotFound();
        }

        template.Name = name ?? template.Name;
        template.RequireAccessBeforeJoining = request.RequireAccessBeforeJoining ?? template.RequireAccessBeforeJoining;
        template.Settings = patch.Apply(template.Settings);
        if (db.ChangeTracker.HasChanges())
        {
            template.UpdatedAt = Timestamps.UtcNow(time);
            await db.SaveChangesAsync(cancellationToken);
        }

        return new(TemplateDto.From(template), StatusCodes.Status200OK, null);
    }

    public async Task<TemplateOutcome> DeleteAsync(string userId, string templateId, CancellationToken cancellationToken)
    {
        if (BuiltInTemplates.Find(templateId) is not null)
        {
            return BuiltInRefused();
        }

        var deleted = IdGenerator.IsWellFormed(templateId)
            && await db.RoomTemplates.Where(t => t.Id == templateId && t.OwnerId == userId).ExecuteDeleteAsync(cancellationToken) > 0;
        return deleted ? new(null, StatusCodes.Status204NoContent, null) : NotFound();
    }

    private static string? NormalizeName(string? raw, out string? error) =>
        TextInput.NormalizeName(raw, "name", "the template's name", RoomService.MaxNameLength, out error);

    private static TemplateOutcome BuiltInRefused() =>
        TemplateOutcome.Fail(StatusCodes.Status403Forbidden, "Built-in templates cannot be changed or deleted. Save a copy of your own with POST /api/templates.");

    private static TemplateOutcome NotFound() =>
        TemplateOutcome.Fail(StatusCodes.Status404NotFound, "You have no template with that id.");
}
