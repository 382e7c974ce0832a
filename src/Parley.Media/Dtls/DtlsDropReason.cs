namespace Parley.Media.Dtls;

/// <summary>Why a received datagram was not given to the DTLS engine.</summary>
internal enum DtlsDropReason
{
    /// <summary>Not dropped.</summary>
    None,

    /// <summary>The first byte or the record version is not DTLS (RFC 7983 demultiplexing).</summary>
    NotDtls,

    /// <summary>A record header or fragment runs past the end of the datagram.</summary>
    Truncated,

    /// <summary>A plaintext (epoch 0) record is not a well-formed ChangeCipherSpec, alert or handshake fragment.</summary>
    Malformed,

    /// <summary>A record carries an epoch DTLS 1.2 never uses, or application data in the clear epoch.</summary>
    UnexpectedEpoch,

    /// <summary>Larger than any DTLS datagram we accept.</summary>
    TooLarge,

    /// <summary>The receive queue was full: the handshake thread is not keeping up.</summary>
    QueueFull,

    /// <summary>The transport is already failed or closed.</summary>
    NotRunning,

    /// <summary>
    /// A protected record that did not authenticate or could not be decrypted (forged, corrupted, or too short for
    /// the cipher); discarded without ending the connection (RFC 6347 §4.1.2.7).
    /// </summary>
    Unauthenticated,
}
