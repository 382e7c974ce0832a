using System.Security.Cryptography;
using System.Text;
using Parley.Media.Ice;
using Parley.Media.Net;
using Parley.Media.Stun;

namespace Parley.Media.Tests.Ice;

/// <summary>Connectivity checks as a controlling full agent sends them (RFC 8445 §7.2.2).</summary>
internal static class StunChecks
{
    public static byte[] BindingRequest(
        string username,
        string password,
        bool useCandidate = false,
        bool priority = true,
        bool integrity = true,
        bool fingerprint = true,
        StunIceRole role = StunIceRole.Controlling,
        byte[]? transactionId = null,
        ushort extraAttribute = 0)
    {
        transactionId ??= RandomNumberGenerator.GetBytes(12);
        var buffer = new byte[512];
        var writer = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, transactionId);
        if (username.Length > 0)
        {
            writer.TryAddUsername(Encoding.UTF8.GetBytes(username));
        }

        if (priority)
        {
            writer.TryAddPriority(0x6E0001FF);
        }

        if (role != StunIceRole.None)
        {
            writer.TryAddIceRole(role, 0x1122334455667788);
        }

        if (useCandidate)
        {
            writer.TryAddUseCandidate();
        }

        if (extraAttribute != 0)
        {
            Span<byte> value = [1, 2, 3, 4];
            var raw = buffer.AsSpan(writer.Length);
            raw[0] = (byte)(extraAttribute >> 8);
            raw[1] = (byte)extraAttribute;
            raw[2] = 0;
            raw[3] = 4;
            value.CopyTo(raw[4..]);

            // Re-wrap the bytes so far plus the raw attribute, then continue with the writer's integrity.
            var length = writer.Length + 8;
            StunIntegrity.PatchLength(buffer, length);
            var rest = new StunWriterTail(buffer, length);
            return rest.Finish(integrity ? Encoding.UTF8.GetBytes(password) : null, fingerprint);
        }

        if (integrity)
        {
            writer.TryAddMessageIntegrity(Encoding.UTF8.GetBytes(password));
        }

        if (fingerprint)
        {
            writer.TryAddFingerprint();
        }

        Assert.False(writer.Failed);
        return writer.Written.ToArray();
    }

    public static byte[] Check(IceParameters local, string remoteUfrag = "peer", bool useCandidate = false) =>
        BindingRequest($"{local.UsernameFragment}:{remoteUfrag}", local.Password, useCandidate);

    public static TransportTuple Udp(string address, int port, int localPort = 40000) =>
        TransportTuple.Create(TransportProtocol.Udp, new System.Net.IPEndPoint(System.Net.IPAddress.Parse(address), port), localPort);

    /// <summary>Appends MESSAGE-INTEGRITY and FINGERPRINT by hand after attributes the writer does not know.</summary>
    private readonly ref struct StunWriterTail(Span<byte> buffer, int length)
    {
        private readonly Span<byte> _buffer = buffer;
        private readonly int _length = length;

        public byte[] Finish(byte[]? key, bool fingerprint)
        {
            var length = _length;
            if (key is not null)
            {
                _buffer[length] = 0x00;
                _buffer[length + 1] = 0x08;
                _buffer[length + 2] = 0x00;
                _buffer[length + 3] = 20;
                StunIntegrity.ComputeMessageIntegrityInPlace(_buffer[..length], key, _buffer.Slice(length + 4, 20));
                length += 24;
                StunIntegrity.PatchLength(_buffer, length);
            }

            if (fingerprint)
            {
                StunIntegrity.PatchLength(_buffer, length + 8);
                var crc = StunIntegrity.ComputeFingerprint(_buffer[..length]);
                _buffer[length] = 0x80;
                _buffer[length + 1] = 0x28;
                _buffer[length + 2] = 0;
                _buffer[length + 3] = 4;
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(_buffer[(length + 4)..], crc);
                length += 8;
            }

            return _buffer[..length].ToArray();
        }
    }
}

internal sealed class RecordingSink : IIceResponseSink
{
    public List<(byte[] Response, TransportTuple To)> Sent { get; } = [];

    public byte[] Last => Sent[^1].Response;

    public void SendStunResponse(ReadOnlySpan<byte> response, in TransportTuple to) => Sent.Add((response.ToArray(), to));
}
