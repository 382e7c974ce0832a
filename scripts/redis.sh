#!/usr/bin/env bash
# A throwaway Redis server on a free loopback port, without persistence, for tests.
#   source scripts/redis.sh; redis_start; ...; redis_stop
# redis_start exports PARLEY_TEST_REDIS (a StackExchange.Redis connection string, host:port); the cluster
# tests use it for the node registry, room leases and the SignalR backplane.

redis_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

redis_start() {
  command -v redis-server >/dev/null || { echo "redis.sh: no redis-server (run scripts/deps.sh)" >&2; return 1; }
  REDIS_DIR=$(mktemp -d /tmp/parley-redis.XXXXXX)
  REDIS_PORT=$(redis_free_port)
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --dir "$REDIS_DIR" \
    --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
    || { cat "$REDIS_DIR/redis.log" >&2; return 1; }
  local i
  for ((i = 0; i < 100; i++)); do
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
  done
  ((i < 100)) || { echo "redis.sh: redis-server did not answer on 127.0.0.1:$REDIS_PORT" >&2; cat "$REDIS_DIR/redis.log" >&2; return 1; }
  export PARLEY_TEST_REDIS="127.0.0.1:$REDIS_PORT"
  echo "redis: test server on 127.0.0.1:$REDIS_PORT ($REDIS_DIR)"
}

redis_stop() {
  [[ -n "${REDIS_DIR:-}" && -d "$REDIS_DIR" ]] || return 0
  if [[ -f "$REDIS_DIR/redis.pid" ]]; then
    kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null || true
  fi
  rm -rf "$REDIS_DIR"
  REDIS_DIR=
}
