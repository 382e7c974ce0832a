using BcDtlsTransport = Org.BouncyCastle.Tls.DtlsTransport;

namespace Parley.Media.Dtls;

/// <summary>After the handshake: records read from the queued datagrams on the feeding thread, never waiting.</summary>
internal sealed partial class DtlsTransport
{
    private BcDtlsTransport? _recordReader;
    private byte[]? _recordBuffer;
    private int _readingRecords;

    /// <summary>
    /// Reads every queued datagram's records. One thread reads at a time; a datagram fed while another
    /// thread reads (or re-entrantly, from a send this read caused) is left to that reader.
    /// </summary>
    private void ReadQueuedRecords(BcDtlsTransport connection)
    {
        while (Interlocked.CompareExchange(ref _readingRecords, 1, 0) == 0)
        {
            bool ended;
            try
            {
                ended = ReadUntilQueueEmpty(connection);
            }
            finally
            {
                Volatile.Write(ref _readingRecords, 0);
            }

            // A datagram queued after our last look but before we let go found us busy: look again.
            if (ended || !_datagrams.HasPending)
                return;
        }
    }

    /// <summary>True when the connection ended (closed by either side, or failed).</summary>
    private bool ReadUntilQueueEmpty(BcDtlsTransport connection)
    {
        byte[] buffer = _recordBuffer ??= new byte[connection.GetReceiveLimit()];
        while (true)
        {
            int received;
            try
            {
                // Receive returns a record's data, or -1 once the queue is empty (NoDatagramPendingSignal);
                // ReceivePending reads records that shared a datagram with the last one read.
                received = _datagrams.HasPending
                    ? connection.Receive(buffer, 0, buffer.Length, 0)
                    : connection.ReceivePending(buffer, 0, buffer.Length);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException)
            {
                Finish(e);
                return true;
            }

            if (received < 0)
            {
                if (_datagrams.IsClosed)
                {
                    Finish(null);
                    return true;
                }

                if (!_datagrams.HasPending)
                    return false;
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
                return true;
            }
        }
    }
}
