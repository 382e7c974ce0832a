using Org.BouncyCastle.Tls;

namespace Parley.Media.Dtls;

/// <summary>The final state and the events.</summary>
internal sealed partial class DtlsTransport
{
    /// <summary>Decides between Closed and Failed once the engine stopped, with or without an exception.</summary>
    private void Finish(Exception? error)
    {
        _datagrams.Close();
        DtlsHandshakeContext handshake = _handshake!;
        bool closeRequested;
        lock (_gate)
            closeRequested = _closeRequested;

        // A local close wins: closing the engine while a handshake or a read is under way makes BouncyCastle see an
        // aborted receive and raise internal_error, which is our doing, not a failure.
        if (closeRequested)
            ChangeState(DtlsState.Closed, "Closed locally.");
        else if (handshake.CloseNotifyReceived && handshake.FailureReason is null)
            ChangeState(DtlsState.Closed, "Closed by the peer (close_notify).");
        else
            ChangeState(DtlsState.Failed, handshake.FailureReason ?? Describe(error));
    }

    private static string Describe(Exception? error) => error switch
    {
        null => "The DTLS engine stopped.",
        TlsTimeoutException => "The handshake timed out.",
        TlsFatalAlertReceived received => $"Received fatal alert {AlertDescription.GetText(received.AlertDescription)}.",
        TlsFatalAlert alert => $"Fatal alert {AlertDescription.GetText(alert.AlertDescription)}: {alert.Message}",
        _ => error.Message,
    };

    private void ChangeState(DtlsState next, string? reason)
    {
        lock (_gate)
        {
            if (_state == next || _state is DtlsState.Failed or DtlsState.Closed)
                return;
            _state = next;
            if (next is DtlsState.Failed or DtlsState.Closed)
                _closeReason = reason;
        }

        StateChanged?.Invoke(this, new DtlsStateChangedEventArgs(next, reason));
    }
}
