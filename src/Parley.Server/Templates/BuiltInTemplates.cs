using Parley.Data.Entities;

namespace Parley.Server.Templates;

/// <summary>
/// The templates every user has. They live in code, not in the database: they cannot be changed or deleted, and a
/// new release may improve them. Their ids have the contract's id format and never change.
/// </summary>
internal static class BuiltInTemplates
{
    public static readonly IReadOnlyList<TemplateDto> All =
    [
        // People the host knows: the waiting room keeps strangers with the join code out; members and admitted people skip it.
        new("builtinteammeeting000001", "Team meeting", BuiltIn: true, RequireAccessBeforeJoining: true, new RoomSettings()),
        // Only hosts publish; everyone else watches and chats.
        new("builtinwebinar0000000002", "Webinar", BuiltIn: true, RequireAccessBeforeJoining: false, new RoomSettings
        {
            DefaultRole = RoomRoles.Viewer,
            MuteOnEntry = true,
            CamOffOnEntry = true,
            WhoCanShareScreen = RoomAudience.Hosts,
        }),
        new("builtinclassroom00000003", "Classroom", BuiltIn: true, RequireAccessBeforeJoining: true, new RoomSettings
        {
            MuteOnEntry = true,
            WhoCanShareScreen = RoomAudience.Hosts,
        }),
        new("builtinquickcall00000004", "Quick call", BuiltIn: true, RequireAccessBeforeJoining: false, new RoomSettings()),
    ];

    public static TemplateDto? Find(string id) => All.FirstOrDefault(t => t.Id == id);
}
