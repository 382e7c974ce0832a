using System.Collections.Concurrent;

namespace Parley.Media.Net;

/// <summary>
/// The open connections of the shared ICE-TCP port and the rules that keep one peer from holding them all:
/// a connection is bound only once its transport's ICE agent validated a check on it (message integrity with
/// the transport's password); unbound connections time out and are the first to go when the table or an
/// address is full (those that named no transport before those that did, oldest first); bound connections
/// are capped per transport and expire when idle. The bound state itself lives in the registration
/// (<see cref="WebRtcServerRegistration.IsTupleBound"/>); this table only reads it.
/// </summary>
internal sealed class TcpConnectionTable
{
    // Enumerated as pairs, never through Values, which copies the whole table on every call.
    private readonly ConcurrentDictionary<TransportTuple, TcpFramedConnection> _connections = new();
    private readonly WebRtcServerOptions _options;
    private readonly WebRtcServerCounters _counters;

    public TcpConnectionTable(WebRtcServerOptions options, WebRtcServerCounters counters)
    {
        _options = options;
        _counters = counters;
    }

    public int Count => _connections.Count;

    public ICollection<TcpFramedConnection> Connections => _connections.Values;

    /// <summary>
    /// Makes room for a just-accepted connection and adds it; false (the connection closed and counted) when the
    /// only way to make room would be to close bound connections. Called from the accept loop only.
    /// </summary>
    public bool TryAdmit(TcpFramedConnection connection)
    {
        var census = TakeCensus(connection.Tuple);
        if (census.FromAddress >= _options.MaxTcpConnectionsPerAddress)
        {
            if (census.VictimFromAddress is null)
            {
                return Refuse(connection, TcpCloseReason.RefusedAddressLimit);
            }

            Close(census.VictimFromAddress, TcpCloseReason.EvictedAddressLimit);
            census = TakeCensus(connection.Tuple);
        }

        if (census.Total >= _options.MaxTcpConnections)
        {
            if (census.Victim is null)
            {
                return Refuse(connection, TcpCloseReason.RefusedTableFull);
            }

            Close(census.Victim, TcpCloseReason.EvictedTableFull);
        }

        _connections[connection.Tuple] = connection;
        return true;
    }

    public void Remove(TcpFramedConnection connection) =>
        _connections.TryRemove(new KeyValuePair<TransportTuple, TcpFramedConnection>(connection.Tuple, connection));

    /// <summary>
    /// Whether the connection of <paramref name="tuple"/>, named to <paramref name="registration"/>, may become
    /// bound to it now that its ICE agent validated a check on it; closes it when the transport is at its cap.
    /// Calls for one registration come under its gate, so two binds of one transport never race.
    /// </summary>
    public bool TryBind(WebRtcServerRegistration registration, in TransportTuple tuple, long nowMilliseconds)
    {
        if (!_connections.TryGetValue(tuple, out var connection) || connection.Registration != registration || connection.IsClosed)
        {
            return false;
        }

        if (!registration.IsTupleBound(tuple) && CountBound(registration) >= _options.MaxTcpConnectionsPerTransport)
        {
            Close(connection, TcpCloseReason.TransportLimit);
            return false;
        }

        connection.MarkActive(nowMilliseconds);
        return true;
    }

    /// <summary>Closes unbound connections past <see cref="WebRtcServerOptions.TcpUnboundTimeout"/> and idle bound ones.</summary>
    public void Sweep(long nowMilliseconds)
    {
        var unboundTimeout = (long)_options.TcpUnboundTimeout.TotalMilliseconds;
        var idleTimeout = (long)_options.TcpIdleTimeout.TotalMilliseconds;
        foreach (var (_, connection) in _connections)
        {
            if (connection.IsClosed)
            {
                continue;
            }

            if (IsBound(connection))
            {
                if (nowMilliseconds - connection.LastActivityMilliseconds >= idleTimeout)
                {
                    Close(connection, TcpCloseReason.IdleTimeout);
                }
            }
            else if (nowMilliseconds - connection.AcceptedAtMilliseconds >= unboundTimeout)
            {
                Close(connection, TcpCloseReason.UnboundTimeout);
            }
        }
    }

    public void Close(TcpFramedConnection connection, TcpCloseReason reason)
    {
        if (!connection.IsClosed)
        {
            _counters.OnTcpClosed(reason);
            connection.Dispose();
        }
    }

    private static bool IsBound(TcpFramedConnection connection) =>
        connection.Registration is { } registration && registration.IsTupleBound(connection.Tuple);

    /// <summary>The better of two unbound connections to close: one that named no transport, then the older.</summary>
    private static bool IsBetterVictim(TcpFramedConnection candidate, TcpFramedConnection? current) =>
        current is null
        || (candidate.Registration is null && current.Registration is not null)
        || ((candidate.Registration is null) == (current.Registration is null) && candidate.AcceptSequence < current.AcceptSequence);

    private int CountBound(WebRtcServerRegistration registration)
    {
        var count = 0;
        foreach (var (_, connection) in _connections)
        {
            if (connection.Registration == registration && !connection.IsClosed && registration.IsTupleBound(connection.Tuple))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>One pass over the table: the counts that the limits apply to and the connections to evict first.</summary>
    private Census TakeCensus(in TransportTuple newcomer)
    {
        var census = default(Census);
        foreach (var (_, connection) in _connections)
        {
            if (connection.IsClosed)
            {
                continue;
            }

            census.Total++;
            var sameAddress = connection.Tuple.HasSameRemoteAddress(newcomer);
            if (sameAddress)
            {
                census.FromAddress++;
            }

            if (IsBound(connection))
            {
                continue;
            }

            if (IsBetterVictim(connection, census.Victim))
            {
                census.Victim = connection;
            }

            if (sameAddress && IsBetterVictim(connection, census.VictimFromAddress))
            {
                census.VictimFromAddress = connection;
            }
        }

        return census;
    }

    private bool Refuse(TcpFramedConnection connection, TcpCloseReason reason)
    {
        _counters.OnTcpClosed(reason);
        connection.Dispose();
        return false;
    }

    private struct Census
    {
        public int Total;
        public int FromAddress;
        public TcpFramedConnection? Victim;
        public TcpFramedConnection? VictimFromAddress;
    }
}
