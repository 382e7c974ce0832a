using Parley.Data;
using Parley.Server.Auth;
using Parley.Server.Chat;
using Parley.Server.Cluster;
using Parley.Server.Health;
using Parley.Server.History;
using Parley.Server.Http;
using Parley.Server.Hubs;
using Parley.Server.Recording;
using Parley.Server.Invitations;
using Parley.Server.RoomMedia;
using Parley.Server.Rooms;
using Parley.Server.Telemetry;
using Parley.Server.Templates;
using Parley.Server.Webhooks;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
{
    builder.WebHost.UseUrls("http://localhost:5000");
}

builder.Services.AddParleyData(builder.Configuration, builder.Environment.ContentRootPath);
builder.Services.AddParleyAuth();
builder.Services.AddParleyRooms();
builder.Services.AddParleyHttp(builder.Configuration);
builder.Services.AddParleyMedia(builder.Configuration);
builder.Services.AddParleyHub(builder.Configuration);
builder.Services.AddParleyCluster(builder.Configuration);
builder.Services.AddParleyTelemetry(builder.Configuration);
builder.Services.AddParleyHealth();
builder.Services.AddParleyWebhooks(builder.Configuration);
builder.Services.AddParleyChat(builder.Configuration);
builder.Services.AddParleyRecording(builder.Configuration);
builder.Services.AddParleyHistory(builder.Configuration);
builder.Services.AddScoped<TemplateService>();
builder.Services.AddParleyInvitations();

var app = builder.Build();
try
{
    await app.Services.InitializeParleyDatabaseAsync(app.Lifetime.ApplicationStopping, app.Services.StartupCleanupNodeId());
}
catch (DatabaseStartupException e)
{
    // One line that says what to do; the stack trace would only hide it.
    app.Logger.LogCritical(1000, "{Reason}", e.Message);
    return 1;
}

app.UseParleyCluster();
app.UseParleyHttp();
app.MapAuthEndpoints();
app.MapRoomEndpoints();
app.MapWebhookEndpoints();
app.MapRecordingEndpoints();
app.MapHistoryEndpoints();
app.MapTemplateEndpoints();
app.MapInviteEndpoints();
app.MapParleyHub();
app.MapParleyPages();
app.MapParleyTelemetry();
app.MapParleyHealth();
app.MapNodeOperatorEndpoints();

await app.RunAsync();
return 0;

/// <summary>Entry point; public so that integration tests can host the app.</summary>
public partial class Program;
