using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Parley.HubLoad;

/// <summary>
/// One participant's hub connection. A <c>joinRoom</c> answered with <c>{status:"redirect", url}</c> (the room lives
/// on another node) is followed the way the web client does it: a new connection to that node, and the join again there.
/// </summary>
internal sealed class LoadClient(Uri url, string token, string roomId) : IAsyncDisposable
{
    private HubConnection _connection = Connect(url, token);

    /// <summary>How many joins were sent to another node.</summary>
    public int Redirects { get; private set; }

    /// <summary>Whether the last join was sent to another node (and so took a new connection and a second join).</summary>
    public bool LastJoinRedirected { get; private set; }

    public Task StartAsync() => _connection.StartAsync();

    /// <summary>Joins the room (following a redirect); the answer of the node that took the join.</summary>
    public async Task<JsonElement> JoinAsync()
    {
        var answer = await _connection.InvokeAsync<JsonElement>("joinRoom", new { roomId });
        LastJoinRedirected = answer.TryGetProperty("status", out var status) && status.GetString() == "redirect";
        if (LastJoinRedirected)
        {
            Redirects++;
            await _connection.DisposeAsync();
            _connection = Connect(new Uri(answer.GetProperty("url").GetString()!), token);
            await _connection.StartAsync();
            answer = await _connection.InvokeAsync<JsonElement>("joinRoom", new { roomId });
            if (answer.GetProperty("status").GetString() != "joined")
            {
                throw new InvalidOperationException($"joinRoom after a redirect answered {answer}");
            }
        }

        return answer;
    }

    public Task LeaveAsync() => _connection.InvokeAsync<JsonElement>("leaveRoom", new { });

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private static HubConnection Connect(Uri node, string token) => new HubConnectionBuilder()
        .WithUrl(new Uri(node, "/ws"), o =>
        {
            o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
        })
        .Build();
}
