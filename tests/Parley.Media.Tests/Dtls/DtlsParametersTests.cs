using System.Text.Json;
using Parley.Media.Dtls;

namespace Parley.Media.Tests.Dtls;

public sealed class DtlsParametersTests
{
    [Theory]
    [InlineData(DtlsRole.Client, DtlsRole.Server)]
    [InlineData(DtlsRole.Server, DtlsRole.Client)]
    [InlineData(DtlsRole.Auto, DtlsRole.Client)]
    public void Our_role_follows_mediasoup(DtlsRole remote, DtlsRole expectedLocal)
    {
        Assert.Equal(expectedLocal, DtlsRoleNegotiation.ResolveLocalRole(remote));
    }

    [Fact]
    public void Serializes_to_the_mediasoup_client_shape()
    {
        var parameters = new DtlsParameters { Fingerprints = [new DtlsFingerprint("sha-256", "AB:CD")] };

        string json = JsonSerializer.Serialize(parameters);

        Assert.Equal("""{"role":"auto","fingerprints":[{"algorithm":"sha-256","value":"AB:CD"}]}""", json);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Deserializes_what_mediasoup_client_sends(bool webDefaults)
    {
        const string json = """
            {"role":"client","fingerprints":[{"algorithm":"sha-256","value":"AB:CD"},{"algorithm":"sha-512","value":"EF"}]}
            """;

        DtlsParameters parameters = JsonSerializer.Deserialize<DtlsParameters>(json, webDefaults ? JsonSerializerOptions.Web : JsonSerializerOptions.Default)!;

        Assert.Equal(DtlsRole.Client, parameters.Role);
        Assert.Equal([new DtlsFingerprint("sha-256", "AB:CD"), new DtlsFingerprint("sha-512", "EF")], parameters.Fingerprints);
    }

    [Fact]
    public void A_missing_role_means_auto()
    {
        DtlsParameters parameters = JsonSerializer.Deserialize<DtlsParameters>("""{"fingerprints":[]}""")!;

        Assert.Equal(DtlsRole.Auto, parameters.Role);
        Assert.Empty(parameters.Fingerprints);
    }

    [Fact]
    public void An_unknown_role_is_a_json_error()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<DtlsParameters>("""{"role":"boss","fingerprints":[]}"""));
    }
}
