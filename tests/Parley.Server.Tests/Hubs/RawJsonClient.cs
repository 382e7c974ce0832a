using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Parley.Server.Tests.Hubs;

/// <summary>An argument sent exactly as written: JSON text a serializer would refuse to produce (a lone surrogate escape).</summary>
public sealed record RawJson(string Text);

/// <summary>A hub connection that can send <see cref="RawJson"/> arguments.</summary>
public static class RawJsonClient
{
    public static async Task<HubConnection> ConnectAsync(HubServer server, string token)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/ws"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .WithKeepAliveInterval(HubServer.ClientTimeout / 3)
            .AddJsonProtocol(options => options.PayloadSerializerOptions.Converters.Add(new RawJsonConverter()))
            .Build();
        await connection.StartAsync();
        return connection;
    }

    /// <summary>Invokes and returns the refusal message, or null when the call succeeded.</summary>
    public static async Task<string?> TryInvokeAsync(this HubConnection connection, string method, string json)
    {
        try
        {
            await connection.InvokeAsync<JsonElement>(method, new RawJson(json));
            return null;
        }
        catch (HubException e)
        {
            return e.Message;
        }
    }

    private sealed class RawJsonConverter : JsonConverter<RawJson>
    {
        public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.Text, skipInputValidation: true);
    }
}
