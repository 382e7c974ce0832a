using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Parley.Server.Hubs;

namespace Parley.Server.Tests.Hubs;

public sealed class HubPayloadTests
{
    [Fact]
    public void Reads_a_valid_id()
    {
        Assert.Equal("abc123def456", HubPayload.RequireId(Json("""{"roomId":"abc123def456","userId":"ignored"}"""), "joinRoom", "roomId"));
    }

    [Theory]
    [InlineData("null", "joinRoom takes one object argument, not null")]
    [InlineData("\"abc\"", "joinRoom takes one object argument, not a string")]
    [InlineData("[]", "joinRoom takes one object argument, not an array")]
    [InlineData("{}", "joinRoom: roomId is required")]
    [InlineData("""{"roomId":null}""", "joinRoom: roomId is required")]
    [InlineData("""{"roomId":42}""", "joinRoom: roomId must be a string, not a number")]
    [InlineData("""{"roomId":{}}""", "joinRoom: roomId must be a string, not an object")]
    [InlineData("""{"roomId":""}""", "joinRoom: roomId must not be empty")]
    [InlineData("""{"roomId":"a b"}""", "joinRoom: roomId is not a valid id (letters, digits, '-' and '_' only)")]
    [InlineData("""{"roomId":"abc\u0000"}""", "joinRoom: roomId is not a valid id (letters, digits, '-' and '_' only)")]
    public void Refuses_a_bad_id_with_a_message_naming_method_and_field(string json, string message)
    {
        var error = Assert.Throws<HubException>(() => HubPayload.RequireId(Json(json), "joinRoom", "roomId"));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Refuses_an_oversized_id()
    {
        var json = JsonSerializer.Serialize(new { roomId = new string('a', HubPayload.MaxIdLength + 1) });

        var error = Assert.Throws<HubException>(() => HubPayload.RequireId(Json(json), "joinRoom", "roomId"));

        Assert.Equal($"joinRoom: roomId is too long (at most {HubPayload.MaxIdLength} characters)", error.Message);
    }

    [Fact]
    public void Accepts_an_id_of_the_maximum_length()
    {
        var id = new string('a', HubPayload.MaxIdLength);

        Assert.Equal(id, HubPayload.RequireId(Json(JsonSerializer.Serialize(new { roomId = id })), "joinRoom", "roomId"));
    }

    [Fact]
    public void Reads_flags_leaving_absent_and_null_ones_unchanged()
    {
        var change = HubPayload.ReadFlags(Json("""{"isMicActive":true,"isCamActive":null}"""), "updateUser");

        Assert.True(change.IsMicActive);
        Assert.Null(change.IsCamActive);
        Assert.Null(change.IsShareScreen);
    }

    [Theory]
    [InlineData("""{"isMicActive":"yes"}""", "updateUser: isMicActive must be true or false, not a string")]
    [InlineData("""{"isCamActive":1}""", "updateUser: isCamActive must be true or false, not a number")]
    [InlineData("""{"isShareScreen":[]}""", "updateUser: isShareScreen must be true or false, not an array")]
    [InlineData("true", "updateUser takes one object argument, not a boolean")]
    public void Refuses_badly_typed_flags(string json, string message)
    {
        var error = Assert.Throws<HubException>(() => HubPayload.ReadFlags(Json(json), "updateUser"));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("A-b_9")]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("é")]
    [InlineData("abc\u0000")]
    [InlineData("a/b")]
    public void Accepts_exactly_the_ids_the_data_layer_would_look_up(string id)
    {
        var json = JsonSerializer.Serialize(new { roomId = id });

        var accepted = Record.Exception(() => HubPayload.RequireId(Json(json), "joinRoom", "roomId")) is null;

        Assert.Equal(Parley.Data.IdGenerator.IsWellFormed(id), accepted);
    }

    [Fact]
    public void The_id_length_limit_is_the_data_layers()
    {
        Assert.True(Parley.Data.IdGenerator.IsWellFormed(new string('a', HubPayload.MaxIdLength)));
        Assert.False(Parley.Data.IdGenerator.IsWellFormed(new string('a', HubPayload.MaxIdLength + 1)));
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
