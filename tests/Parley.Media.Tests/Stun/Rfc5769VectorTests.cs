using System.Net;
using System.Text;
using Parley.Media.Stun;

namespace Parley.Media.Tests.Stun;

public class Rfc5769VectorTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes(Rfc5769Vectors.Password);

    [Fact]
    public void SampleRequest_parses_with_every_attribute()
    {
        Assert.True(StunMessage.TryParse(Rfc5769Vectors.SampleRequest, out var message));
        Assert.Equal(StunClass.Request, message.Class);
        Assert.Equal(StunMethod.Binding, message.Method);
        Assert.Equal(Rfc5769Vectors.TransactionId, message.TransactionId.ToArray());
        Assert.Equal(Rfc5769Vectors.Username, Encoding.UTF8.GetString(message.Username));
        Assert.True(message.HasPriority);
        Assert.Equal(0x6e0001ffu, message.Priority);
        Assert.Equal(StunIceRole.Controlled, message.IceRole);
        Assert.Equal(0x932ff9b151263b36UL, message.TieBreaker);
        Assert.False(message.UseCandidate);
        Assert.Equal(0, message.UnknownComprehensionRequiredCount);
    }

    [Fact]
    public void SampleRequest_integrity_and_fingerprint_verify()
    {
        Assert.True(StunMessage.TryParse(Rfc5769Vectors.SampleRequest, out var message));
        Assert.True(message.VerifyMessageIntegrity(Key));
        Assert.True(message.VerifyFingerprint());
        Assert.False(message.VerifyMessageIntegrity(Encoding.UTF8.GetBytes("wrong password 1234567")));
    }

    [Fact]
    public void SampleRequest_is_written_byte_for_byte()
    {
        var buffer = new byte[256];
        var writer = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, Rfc5769Vectors.TransactionId) { PaddingByte = 0x20 };
        Assert.True(writer.TryAddSoftware("STUN test client"u8));
        Assert.True(writer.TryAddPriority(0x6e0001ff));
        Assert.True(writer.TryAddIceRole(StunIceRole.Controlled, 0x932ff9b151263b36));
        Assert.True(writer.TryAddUsername(Encoding.UTF8.GetBytes(Rfc5769Vectors.Username)));
        Assert.True(writer.TryAddMessageIntegrity(Key));
        Assert.True(writer.TryAddFingerprint());
        Assert.Equal(Convert.ToHexString(Rfc5769Vectors.SampleRequest), Convert.ToHexString(writer.Written));
    }

    [Fact]
    public void SampleIPv4Response_parses_and_verifies()
    {
        Assert.True(StunMessage.TryParse(Rfc5769Vectors.SampleIPv4Response, out var message));
        Assert.Equal(StunClass.SuccessResponse, message.Class);
        Assert.True(message.TryGetXorMappedAddress(out var mapped));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), mapped);
        Assert.True(message.VerifyMessageIntegrity(Key));
        Assert.True(message.VerifyFingerprint());
    }

    [Fact]
    public void SampleIPv4Response_is_written_byte_for_byte()
    {
        var buffer = new byte[256];
        var writer = new StunWriter(buffer, StunClass.SuccessResponse, StunMethod.Binding, Rfc5769Vectors.TransactionId) { PaddingByte = 0x20 };
        Assert.True(writer.TryAddSoftware("test vector"u8));
        Assert.True(writer.TryAddXorMappedAddress(IPAddress.Parse("192.0.2.1").GetAddressBytes(), 32853));
        Assert.True(writer.TryAddMessageIntegrity(Key));
        Assert.True(writer.TryAddFingerprint());
        Assert.Equal(Convert.ToHexString(Rfc5769Vectors.SampleIPv4Response), Convert.ToHexString(writer.Written));
    }

    [Fact]
    public void SampleIPv6Response_parses_and_verifies()
    {
        Assert.True(StunMessage.TryParse(Rfc5769Vectors.SampleIPv6Response, out var message));
        Assert.True(message.TryGetXorMappedAddress(out var mapped));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853), mapped);
        Assert.True(message.VerifyMessageIntegrity(Key));
        Assert.True(message.VerifyFingerprint());
    }

    [Fact]
    public void SampleIPv6Response_is_written_byte_for_byte()
    {
        var buffer = new byte[256];
        var writer = new StunWriter(buffer, StunClass.SuccessResponse, StunMethod.Binding, Rfc5769Vectors.TransactionId) { PaddingByte = 0x20 };
        Assert.True(writer.TryAddSoftware("test vector"u8));
        Assert.True(writer.TryAddXorMappedAddress(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677").GetAddressBytes(), 32853));
        Assert.True(writer.TryAddMessageIntegrity(Key));
        Assert.True(writer.TryAddFingerprint());
        Assert.Equal(Convert.ToHexString(Rfc5769Vectors.SampleIPv6Response), Convert.ToHexString(writer.Written));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Any_flipped_bit_fails_integrity_or_fingerprint(int vector)
    {
        var original = vector switch
        {
            0 => Rfc5769Vectors.SampleRequest,
            1 => Rfc5769Vectors.SampleIPv4Response,
            _ => Rfc5769Vectors.SampleIPv6Response,
        };

        // Every bit after the length field: header type/cookie flips make it unparseable, which also fails.
        for (var bit = 0; bit < original.Length * 8; bit++)
        {
            var copy = (byte[])original.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            var parsed = StunMessage.TryParse(copy, out var message);
            var bothValid = parsed && message.HasMessageIntegrity && message.HasFingerprint
                && message.VerifyMessageIntegrity(Key) && message.VerifyFingerprint();
            Assert.False(bothValid, $"bit {bit} flipped still verifies");
        }
    }
}
