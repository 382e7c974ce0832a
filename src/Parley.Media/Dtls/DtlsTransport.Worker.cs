using Org.BouncyCastle.Tls;
using BcDtlsTransport = Org.BouncyCastle.Tls.DtlsTransport;

namespace Parley.Media.Dtls;

/// <summary>The DTLS thread: handshake, then the receive loop, then the final state.</summary>
public sealed partial class DtlsTransport
{
    private void Run()
    {
        try
        {
            HandshakeThenReceive();
        }
        catch (Exception e)
        {
            // Last resort: an exception escaping this thread would take the whole process down.
            Finish(e);
        }
    }

    private void HandshakeThenReceive()
    {
        BcDtlsTransport connection;
        try
        {
            connection = _peer is DtlsSrtpServer server
                ? new DtlsServerProtocol().Accept(server, _datagrams)
                : new DtlsClientProtocol().Connect((DtlsSrtpClient)_peer!, _datagrams);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException)
        {
            Finish(e);
            return;
        }

        bool closeRequested;
        lock (_gate)
        {
            _connection = connection;
            closeRequested = _closeRequested;
        }

        if (closeRequested || _handshake!.Keys is null)
        {
            if (!closeRequested)
                _handshake!.FailureReason ??= "The handshake completed without exporting SRTP keys.";
            connection.Close();
            _datagrams.Close();
            Finish(null);
            return;
        }

        ChangeState(DtlsState.Connected, null);
        ReceiveUntilClosed(connection);
    }

    private void ReceiveUntilClosed(BcDtlsTransport connection)
    {
        byte[] buffer = new byte[connection.GetReceiveLimit()];
        while (true)
        {
            int received;
            try
            {
                // Zero waits forever; closing the queue ends the wait with an exception.
                received = connection.Receive(buffer, 0, buffer.Length, 0);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException)
            {
                Finish(e);
                return;
            }

            if (received < 0)
            {
                if (_datagrams.IsClosed)
                {
                    Finish(null);
                    return;
                }

                continue;
            }

            Counters.CountApplicationReceived();
            try
            {
                ApplicationDataReceived?.Invoke(buffer.AsSpan(0, received));
            }
            catch (Exception e)
            {
                _handshake!.FailureReason ??= $"An application data handler threw {e.GetType().Name}: {e.Message}";
                connection.Close();
                Finish(e);
                return;
            }
        }
    }

    /// <summary>Decides between Closed and Failed once the engine stopped, with or without an exception.</summary>
    private void Finish(Exception? error)
    {
        _datagrams.Close();
        DtlsHandshakeContext handshake = _handshake!;
        bool closeRequested;
        lock (_gate)
            closeRequested = _closeRequested;

        // A local close wins: closing the engine while its thread waits makes BouncyCastle see an
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
