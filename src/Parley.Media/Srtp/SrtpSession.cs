using Parley.Media.Dtls;

namespace Parley.Media.Srtp;

/// <summary>The send and receive <see cref="SrtpContext"/> of one DTLS-SRTP association.</summary>
internal sealed class SrtpSession : IDisposable
{
    private SrtpSession(SrtpContext send, SrtpContext receive)
    {
        Send = send;
        Receive = receive;
    }

    /// <summary>Protects what we send, keyed with our side's exported master key and salt.</summary>
    public SrtpContext Send { get; }

    /// <summary>Unprotects what we receive, keyed with the remote side's exported master key and salt.</summary>
    public SrtpContext Receive { get; }

    /// <summary>Builds both contexts from the keys a completed DTLS handshake exported.</summary>
    public static SrtpSession Create(DtlsSrtpKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var send = new SrtpContext(keys.Profile, keys.LocalMasterKey.Span, keys.LocalMasterSalt.Span);
        var receive = new SrtpContext(keys.Profile, keys.RemoteMasterKey.Span, keys.RemoteMasterSalt.Span);
        return new SrtpSession(send, receive);
    }

    /// <summary>Disposes both contexts.</summary>
    public void Dispose()
    {
        Send.Dispose();
        Receive.Dispose();
    }
}
