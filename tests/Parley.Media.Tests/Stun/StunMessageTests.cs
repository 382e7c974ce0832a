using System.Buffers.Binary;
using System.Net;
using System.Text;
using Parley.Media.Stun;

namespace Parley.Media.Tests.Stun;

public class StunMessageTests
{
    private static readonly byte[] TransactionId = Convert.FromHexString("0102030405060708090a0b0c");
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("abcdefghijklmnopqrstuvwxyz");

    [Theory]
    [InlineData(0, 0x0001)]
    [InlineData(1, 0x0011)]
    [InlineData(2, 0x0101)]
    [InlineData(3, 0x0111)]
    public void Binding_type_encodes_as_RFC_8489_says(int classBits, int expected)
    {
        var stunClass = (StunClass)classBits;
        var type = StunMessageType.Encode(stunClass, StunMethod.Binding);
        Assert.Equal((ushort)expected, type);
        Assert.Equal(stunClass, StunMessageType.GetClass(type));
        Assert.Equal(StunMethod.Binding, StunMessageType.GetMethod(type));
    }

    [Fact]
    public void Method_bits_round_trip_through_the_interleaving()
    {
        for (var method = 0; method < 0x1000; method++)
        {
            foreach (var stunClass in Enum.GetValues<StunClass>())
            {
                var type = StunMessageType.Encode(stunClass, (StunMethod)method);
                Assert.Equal(stunClass, StunMessageType.GetClass(type));
                Assert.Equal((StunMethod)method, StunMessageType.GetMethod(type));
                Assert.Equal(0, type & 0xC000);
            }
        }
    }

    [Fact]
    public void Request_with_all_ICE_attributes_round_trips()
    {
        var buffer = new byte[256];
        var writer = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, TransactionId);
        Assert.True(writer.TryAddUsername("local:remote"u8));
        Assert.True(writer.TryAddPriority(1853824767));
        Assert.True(writer.TryAddIceRole(StunIceRole.Controlling, 0x0102030405060708));
        Assert.True(writer.TryAddUseCandidate());
        Assert.True(writer.TryAddMessageIntegrity(Key));
        Assert.True(writer.TryAddFingerprint());

        Assert.True(StunMessage.TryParse(writer.Written, out var message));
        Assert.Equal(StunClass.Request, message.Class);
        Assert.Equal(TransactionId, message.TransactionId.ToArray());
        Assert.Equal("local:remote", Encoding.UTF8.GetString(message.Username));
        Assert.Equal(1853824767u, message.Priority);
        Assert.Equal(StunIceRole.Controlling, message.IceRole);
        Assert.Equal(0x0102030405060708UL, message.TieBreaker);
        Assert.True(message.UseCandidate);
        Assert.True(message.VerifyMessageIntegrity(Key));
        Assert.True(message.VerifyFingerprint());
    }

    [Theory]
    [InlineData(400, "Bad Request")]
    [InlineData(401, "Unauthorized")]
    [InlineData(420, "Unknown Attribute")]
    [InlineData(487, "Role Conflict")]
    public void Error_response_round_trips(int code, string reason)
    {
        var buffer = new byte[128];
        var writer = new StunWriter(buffer, StunClass.ErrorResponse, StunMethod.Binding, TransactionId);
        Assert.True(writer.TryAddErrorCode(code));
        Assert.True(writer.TryAddFingerprint());

        Assert.True(StunMessage.TryParse(writer.Written, out var message));
        Assert.Equal(StunClass.ErrorResponse, message.Class);
        Assert.True(message.TryGetErrorCode(out var parsedCode, out var parsedReason));
        Assert.Equal(code, parsedCode);
        Assert.Equal(reason, Encoding.ASCII.GetString(parsedReason));
        Assert.True(message.VerifyFingerprint());
    }

    [Fact]
    public void Error_code_value_has_class_and_number_split()
    {
        var buffer = new byte[64];
        var writer = new StunWriter(buffer, StunClass.ErrorResponse, StunMethod.Binding, TransactionId);
        Assert.True(writer.TryAddErrorCode(487));
        Assert.Equal(Convert.FromHexString("00090011" + "00000457" + "526f6c6520436f6e666c696374" + "000000"), writer.Written[20..].ToArray());
    }

    [Fact]
    public void Mapped_address_round_trips_unmasked()
    {
        var buffer = new byte[64];
        var writer = new StunWriter(buffer, StunClass.SuccessResponse, StunMethod.Binding, TransactionId);
        Assert.True(writer.TryAddMappedAddress(IPAddress.Parse("10.1.2.3").GetAddressBytes(), 5000));
        Assert.Equal(Convert.FromHexString("00010008" + "00011388" + "0a010203"), writer.Written[20..].ToArray());
        Assert.True(StunMessage.TryParse(writer.Written, out var message));
        Assert.True(message.TryGetMappedAddress(out var endPoint));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 5000), endPoint);
    }

    [Fact]
    public void Chromium_comprehension_optional_attributes_are_skipped()
    {
        var message = BuildRaw(
            (StunAttributeType.Username, "ab:cd"u8.ToArray()),
            (StunAttributeType.GoogNetworkInfo, [0, 1, 0, 10]),
            (StunAttributeType.GoogNomination, [0, 0, 0, 1]),
            (0xC0FF, [1, 2, 3]),
            (StunAttributeType.Priority, [0, 0, 0, 7]));
        Assert.True(StunMessage.TryParse(message, out var parsed));
        Assert.Equal("ab:cd", Encoding.ASCII.GetString(parsed.Username));
        Assert.Equal(7u, parsed.Priority);
        Assert.Equal(0, parsed.UnknownComprehensionRequiredCount);
    }

    [Fact]
    public void Unknown_comprehension_required_attributes_are_reported()
    {
        var message = BuildRaw((0x0031, [1, 2, 3, 4]), (0x7000, []), (0x0031, [5, 6, 7, 8]));
        Assert.True(StunMessage.TryParse(message, out var parsed));
        Assert.Equal(2, parsed.UnknownComprehensionRequiredCount);
        Assert.Equal(0x0031, parsed.GetUnknownComprehensionRequired(0));
        Assert.Equal(0x7000, parsed.GetUnknownComprehensionRequired(1));
    }

    [Fact]
    public void Attributes_after_message_integrity_other_than_fingerprint_are_ignored()
    {
        var buffer = new byte[256];
        var writer = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, TransactionId);
        Assert.True(writer.TryAddUsername("a:b"u8));
        Assert.True(writer.TryAddMessageIntegrity(Key));
        Assert.True(writer.TryAddPriority(99));
        Assert.True(writer.TryAddUseCandidate());
        Assert.True(StunMessage.TryParse(writer.Written, out var parsed));
        Assert.False(parsed.HasPriority);
        Assert.False(parsed.UseCandidate);
    }

    [Fact]
    public void Integrity_still_verifies_when_ignored_attributes_follow_it()
    {
        // RFC 8489 §14.5: the HMAC covers up to MESSAGE-INTEGRITY, with the length as if it were last.
        var buffer = new byte[256];
        var writer = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, TransactionId);
        Assert.True(writer.TryAddUsername("a:b"u8));
        Assert.True(writer.TryAddMessageIntegrity(Key));
        var withIntegrity = writer.Written.ToArray();
        Assert.True(writer.TryAddFingerprint());
        Assert.True(StunMessage.TryParse(writer.Written, out var withFingerprint));
        Assert.True(withFingerprint.VerifyMessageIntegrity(Key));
        Assert.True(StunMessage.TryParse(withIntegrity, out var plain));
        Assert.True(plain.VerifyMessageIntegrity(Key));
        Assert.False(plain.HasFingerprint);
        Assert.False(plain.VerifyFingerprint());
    }

    [Fact]
    public void Anything_after_fingerprint_is_malformed()
    {
        var buffer = new byte[128];
        var writer = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, TransactionId);
        Assert.True(writer.TryAddFingerprint());
        Assert.True(writer.TryAddPriority(1));
        Assert.False(StunMessage.TryParse(writer.Written, out _));
    }

    [Theory]
    [InlineData("00010000" + "21120000" + "0102030405060708090a0b0c")] // wrong magic cookie
    [InlineData("c0010000" + "2112a442" + "0102030405060708090a0b0c")] // top two bits set
    [InlineData("00010000" + "2112a442" + "0102030405060708090a0b")] // short header
    public void Header_errors_are_rejected(string hex) =>
        Assert.False(StunMessage.TryParse(Convert.FromHexString(hex), out _));

    [Fact]
    public void Length_must_match_the_buffer_and_be_a_multiple_of_four()
    {
        var valid = BuildRaw((StunAttributeType.Priority, [0, 0, 0, 1]));
        Assert.True(StunMessage.TryParse(valid, out _));
        Assert.False(StunMessage.TryParse(valid.AsSpan(0, valid.Length - 4), out _));
        Assert.False(StunMessage.TryParse([.. valid, 0, 0, 0, 0], out _));
        var odd = (byte[])valid.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(odd.AsSpan(2), 6);
        Assert.False(StunMessage.TryParse(odd, out _));
    }

    [Theory]
    [InlineData(StunAttributeType.Priority, 3)]
    [InlineData(StunAttributeType.UseCandidate, 4)]
    [InlineData(StunAttributeType.IceControlling, 4)]
    [InlineData(StunAttributeType.MessageIntegrity, 16)]
    [InlineData(StunAttributeType.Fingerprint, 8)]
    [InlineData(StunAttributeType.ErrorCode, 2)]
    public void Known_attributes_with_impossible_lengths_are_malformed(ushort type, int length) =>
        Assert.False(StunMessage.TryParse(BuildRaw((type, new byte[length])), out _));

    [Fact]
    public void Attribute_running_past_the_end_is_malformed()
    {
        var message = BuildRaw((StunAttributeType.Username, "abcd"u8.ToArray()));
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(22), 8);
        Assert.False(StunMessage.TryParse(message, out _));
    }

    [Fact]
    public void Writer_fails_cleanly_when_the_span_is_too_small()
    {
        var buffer = new byte[40];
        var writer = new StunWriter(buffer, StunClass.SuccessResponse, StunMethod.Binding, TransactionId);
        Assert.True(writer.TryAddXorMappedAddress(new byte[4], 1));
        Assert.False(writer.TryAddMessageIntegrity(Key));
        Assert.True(writer.Failed);
        Assert.False(writer.TryAddFingerprint());
        Assert.False(new StunWriter(new byte[10], StunClass.Request, StunMethod.Binding, TransactionId).TryAddFingerprint());
    }

    [Fact]
    public void Address_of_wrong_length_or_family_is_rejected()
    {
        var badFamily = BuildRaw((StunAttributeType.XorMappedAddress, [0, 3, 0, 1, 1, 2, 3, 4]));
        Assert.True(StunMessage.TryParse(badFamily, out var parsed));
        Assert.False(parsed.TryGetXorMappedAddress(out _));
        var shortV6 = BuildRaw((StunAttributeType.XorMappedAddress, [0, 2, 0, 1, 1, 2, 3, 4]));
        Assert.True(StunMessage.TryParse(shortV6, out parsed));
        Assert.False(parsed.TryGetXorMappedAddress(out _));
    }

    /// <summary>A binding request with raw attributes, zero padded, no integrity.</summary>
    internal static byte[] BuildRaw(params (ushort Type, byte[] Value)[] attributes)
    {
        var body = new List<byte>();
        foreach (var (type, value) in attributes)
        {
            body.Add((byte)(type >> 8));
            body.Add((byte)type);
            body.Add((byte)(value.Length >> 8));
            body.Add((byte)value.Length);
            body.AddRange(value);
            while (body.Count % 4 != 0)
            {
                body.Add(0);
            }
        }

        var message = new byte[20 + body.Count];
        BinaryPrimitives.WriteUInt16BigEndian(message, 0x0001);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), (ushort)body.Count);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), StunConstants.MagicCookie);
        TransactionId.CopyTo(message, 8);
        body.CopyTo(message, 20);
        return message;
    }
}

public class StunLargeMessageTests
{
    [Fact]
    public void Integrity_over_a_message_larger_than_the_stack_copy_verifies()
    {
        var key = System.Text.Encoding.UTF8.GetBytes("large-message-password-123");
        var buffer = new byte[4096];
        var writer = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, new byte[12]);
        Assert.True(writer.TryAddSoftware(new byte[2000]));
        Assert.True(writer.TryAddUsername("a:b"u8));
        Assert.True(writer.TryAddMessageIntegrity(key));
        Assert.True(writer.TryAddFingerprint());
        Assert.True(StunMessage.TryParse(writer.Written, out var message));
        Assert.True(message.VerifyMessageIntegrity(key));
        Assert.True(message.VerifyFingerprint());

        var tampered = writer.Written.ToArray();
        tampered[100] ^= 1;
        Assert.True(StunMessage.TryParse(tampered, out message));
        Assert.False(message.VerifyMessageIntegrity(key));
    }
}
