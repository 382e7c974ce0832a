using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Parley.Media.Stun;

namespace Parley.Media.Tests.Stun;

public class StunPropertyTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("property-test-password-0123");

    [Property(MaxTest = 500)]
    public void Random_bytes_never_throw(byte[] data)
    {
        if (StunMessage.TryParse(data, out var message))
        {
            Touch(message);
        }
    }

    [Property(MaxTest = 500)]
    public void Random_attributes_behind_a_valid_header_never_throw(byte[] body, byte lengthJitter)
    {
        var length = Math.Min(body.Length & ~3, 1000);
        var data = new byte[20 + length];
        data[1] = 0x01;
        data[2] = (byte)(length >> 8);
        data[3] = (byte)length;
        data[4] = 0x21;
        data[5] = 0x12;
        data[6] = 0xA4;
        data[7] = 0x42;
        body.AsSpan(0, length).CopyTo(data.AsSpan(20));

        // Occasionally lie about the length so the walk runs into the end.
        if ((lengthJitter & 7) == 0 && length >= 4)
        {
            data[3] ^= 4;
        }

        if (StunMessage.TryParse(data, out var message))
        {
            Touch(message);
        }
    }

    [Property(MaxTest = 200)]
    public void Every_truncation_of_a_valid_request_is_rejected_without_throwing(NonEmptyString username, uint priority, bool useCandidate, ulong tieBreaker)
    {
        var request = BuildRequest(Sanitize(username.Get), priority, useCandidate, tieBreaker);
        for (var length = 0; length < request.Length; length++)
        {
            Assert.False(StunMessage.TryParse(request.AsSpan(0, length), out _));
        }
    }

    [Property(MaxTest = 300)]
    public void Write_then_parse_gives_back_the_input(NonEmptyString username, uint priority, bool useCandidate, ulong tieBreaker, byte[] transactionSeed)
    {
        var user = Sanitize(username.Get);
        var request = BuildRequest(user, priority, useCandidate, tieBreaker, transactionSeed);
        Assert.True(StunMessage.TryParse(request, out var parsed));
        Assert.Equal(user, Encoding.UTF8.GetString(parsed.Username));
        Assert.Equal(priority, parsed.Priority);
        Assert.Equal(useCandidate, parsed.UseCandidate);
        Assert.Equal(tieBreaker, parsed.TieBreaker);
        Assert.True(parsed.VerifyMessageIntegrity(Key));
        Assert.True(parsed.VerifyFingerprint());
    }

    [Property(MaxTest = 100)]
    public void Any_flipped_bit_breaks_integrity_or_fingerprint(NonEmptyString username, uint priority, PositiveInt bitSeed)
    {
        var request = BuildRequest(Sanitize(username.Get), priority, true, 1);
        var bit = bitSeed.Get % (request.Length * 8);
        request[bit / 8] ^= (byte)(1 << (bit % 8));
        var stillValid = StunMessage.TryParse(request, out var parsed)
            && parsed.VerifyMessageIntegrity(Key) && parsed.VerifyFingerprint();
        Assert.False(stillValid);
    }

    private static byte[] BuildRequest(string username, uint priority, bool useCandidate, ulong tieBreaker, byte[]? transactionSeed = null)
    {
        var transactionId = new byte[12];
        transactionSeed?.AsSpan(0, Math.Min(12, transactionSeed.Length)).CopyTo(transactionId);
        var buffer = new byte[2048];
        var writer = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, transactionId);
        Assert.True(writer.TryAddUsername(Encoding.UTF8.GetBytes(username)));
        Assert.True(writer.TryAddPriority(priority));
        Assert.True(writer.TryAddIceRole(StunIceRole.Controlling, tieBreaker));
        if (useCandidate)
        {
            Assert.True(writer.TryAddUseCandidate());
        }

        Assert.True(writer.TryAddMessageIntegrity(Key));
        Assert.True(writer.TryAddFingerprint());
        return writer.Written.ToArray();
    }

    /// <summary>Arbitrary strings may hold lone surrogates that UTF-8 cannot round-trip; base64 of their bytes can.</summary>
    private static string Sanitize(string value)
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
        return encoded.Length > 120 ? encoded[..120] : encoded;
    }

    private static void Touch(in StunMessage message)
    {
        _ = message.Class;
        _ = message.Method;
        _ = message.Username.Length;
        _ = message.TryGetXorMappedAddress(out _);
        _ = message.TryGetMappedAddress(out _);
        _ = message.TryGetErrorCode(out _, out _);
        _ = message.VerifyMessageIntegrity(Key);
        _ = message.VerifyFingerprint();
        for (var i = 0; i < message.UnknownComprehensionRequiredCount; i++)
        {
            _ = message.GetUnknownComprehensionRequired(i);
        }
    }
}
