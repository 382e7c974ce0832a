namespace Parley.Media.Dtls;

/// <summary>
/// Sends one DTLS datagram to the peer over whatever carries the transport (the selected ICE
/// pair: UDP, or TCP with RFC 4571 framing). Called on a handshake pool thread, on threads calling
/// <see cref="DtlsTransport.Feed"/> (answers to records), <see cref="DtlsTransport.Send"/> or
/// <see cref="DtlsTransport.Close"/>; it must not block for long and
/// must copy the span if it keeps the bytes.
/// </summary>
/// <param name="datagram">The datagram to send; valid only during the call.</param>
internal delegate void DtlsDatagramSender(ReadOnlySpan<byte> datagram);

/// <summary>Receives decrypted application data (SCTP for data channels) on the thread that fed its datagram.</summary>
/// <param name="data">One application data record's payload; valid only during the call.</param>
internal delegate void DtlsApplicationDataHandler(ReadOnlySpan<byte> data);
