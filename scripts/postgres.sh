#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a free loopback port, in a temp dir, for tests.
#   source scripts/postgres.sh; pg_start; ...; pg_stop
# pg_start exports PARLEY_TEST_POSTGRES (an Npgsql connection string for a superuser); each test
# fixture creates and drops its own database in it.

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -n "$d" ]] || { echo "postgres.sh: no PostgreSQL server under /usr/lib/postgresql (run scripts/deps.sh)" >&2; return 1; }
  echo "$d"
}

pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

pg_start() {
  local bin run_as=()
  bin=$(pg_bin) || return 1
  PG_DIR=$(mktemp -d /tmp/parley-pg.XXXXXX)
  PG_PORT=$(pg_free_port)
  # The server refuses to run as root; run it as the postgres account the package created.
  if [[ $(id -u) == 0 ]]; then
    chown postgres: "$PG_DIR"
    run_as=(runuser -u postgres --)
  fi
  PG_RUN=("${run_as[@]}")
  "${run_as[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  "${run_as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null || { cat "$PG_DIR/server.log" >&2; return 1; }
  export PARLEY_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=100"
  echo "postgres: test cluster on 127.0.0.1:$PG_PORT ($PG_DIR)"
}

pg_stop() {
  [[ -n "${PG_DIR:-}" && -d "$PG_DIR" ]] || return 0
  "${PG_RUN[@]}" "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=
}
