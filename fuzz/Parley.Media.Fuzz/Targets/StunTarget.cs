using System.Net;
using System.Text;
using Parley.Media.Ice;
using Parley.Media.Net;
using Parley.Media.Stun;

namespace Parley.Media.Fuzz.Targets;

/// <summary>
/// STUN: parse and read every attribute; write the ICE attributes back and parse them again (same fields);
/// and hand the bytes to an ICE-lite agent, whose every response must itself be a valid, fingerprinted message.
/// </summary>
internal static class StunTarget
{
    /// <summary>The ICE credentials the seeds are made with, so that the fuzzer reaches the agent's accepted path.</summary>
    public static readonly IceParameters Credentials = new("fuzzufrag", "fuzzpasswordfuzzpassword12");

    private static readonly byte[] PasswordKey = Encoding.UTF8.GetBytes(Credentials.Password);
    private static readonly TransportTuple From = TransportTuple.Create(TransportProtocol.Udp, new IPEndPoint(IPAddress.Loopback, 5000), 40000);

    public static void Run(ReadOnlySpan<byte> input)
    {
        _ = PacketDemux.Classify(input);
        if (StunMessage.TryParse(input, out var message))
        {
            FuzzInvariantException.Check(StunMessage.LooksLikeStun(input), "a parsed message looks like STUN");
            ReadEverything(message);
            RoundTrip(message);
        }

        var agent = new IceLiteAgent(Credentials);
        agent.ProcessStun(input, From, 1_000, ResponseChecker.Instance);
        agent.CheckConsent(100_000);
    }

    private static void ReadEverything(in StunMessage message)
    {
        _ = (message.Class, message.Method, message.TransactionId.Length, message.Username.Length, message.Priority, message.IceRole, message.TieBreaker);
        _ = message.VerifyMessageIntegrity(PasswordKey);
        _ = message.VerifyFingerprint();
        _ = message.TryGetXorMappedAddress(out _);
        _ = message.TryGetMappedAddress(out _);
        _ = message.TryGetErrorCode(out _, out _);
        for (var i = 0; i < message.UnknownComprehensionRequiredCount + 1; i++)
        {
            _ = message.GetUnknownComprehensionRequired(i);
        }
    }

    /// <summary>The ICE attributes written by <see cref="StunWriter"/> parse back to the same values.</summary>
    private static void RoundTrip(in StunMessage message)
    {
        Span<byte> buffer = stackalloc byte[2048];
        var writer = new StunWriter(buffer, message.Class, message.Method, message.TransactionId);
        if (message.HasUsername)
        {
            writer.TryAddUsername(message.Username);
        }

        if (message.HasPriority)
        {
            writer.TryAddPriority(message.Priority);
        }

        if (message.UseCandidate)
        {
            writer.TryAddUseCandidate();
        }

        if (message.IceRole != StunIceRole.None)
        {
            writer.TryAddIceRole(message.IceRole, message.TieBreaker);
        }

        writer.TryAddMessageIntegrity(PasswordKey);
        writer.TryAddFingerprint();
        if (writer.Failed)
        {
            return;
        }

        FuzzInvariantException.Check(StunMessage.TryParse(writer.Written, out var again), "a written message parses");
        FuzzInvariantException.Check(again.Class == message.Class && again.Method == message.Method, "class and method round-trip");
        FuzzInvariantException.Check(again.TransactionId.SequenceEqual(message.TransactionId), "transaction id round-trips");
        FuzzInvariantException.Check(again.Username.SequenceEqual(message.Username) && again.HasUsername == message.HasUsername, "USERNAME round-trips");
        FuzzInvariantException.Check(again.HasPriority == message.HasPriority && again.Priority == message.Priority, "PRIORITY round-trips");
        FuzzInvariantException.Check(again.UseCandidate == message.UseCandidate, "USE-CANDIDATE round-trips");
        FuzzInvariantException.Check(again.IceRole == message.IceRole && (message.IceRole == StunIceRole.None || again.TieBreaker == message.TieBreaker), "ICE role round-trips");
        FuzzInvariantException.Check(again.VerifyMessageIntegrity(PasswordKey) && again.VerifyFingerprint(), "written integrity and fingerprint verify");
    }

    private sealed class ResponseChecker : IIceResponseSink
    {
        public static readonly ResponseChecker Instance = new();

        public void SendStunResponse(ReadOnlySpan<byte> response, in TransportTuple to)
        {
            FuzzInvariantException.Check(StunMessage.TryParse(response, out var parsed), "the agent's response parses");
            FuzzInvariantException.Check(parsed.VerifyFingerprint(), "the agent's response has a valid FINGERPRINT");
            FuzzInvariantException.Check(parsed.Class is StunClass.SuccessResponse or StunClass.ErrorResponse, "the agent answers with a response");
        }
    }
}
