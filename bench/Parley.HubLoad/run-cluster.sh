#!/usr/bin/env bash
# Hub load run against a cluster: a throwaway PostgreSQL and Redis, N Release servers as nodes of one cluster on
# 127.0.0.1:5055, 5056, ..., the load generator connecting clients to the nodes in turn (following redirects); all
# stopped after. N=1 is one node with Redis on, for a like-for-like comparison with N=2.
#   bench/Parley.HubLoad/run-cluster.sh <nodes> [generator options, e.g. --rooms 20 --clients 5 --join-rate 100]
# PARLEY_SERVER_DIR runs another build of the server (an A/B: the build output of another commit); default: this
# checkout's Release build. PARLEY_BENCH_REDIS=off runs the one node without Redis (what a join costs without the
# cluster: no lease look-up, no backplane). PARLEY_BENCH_GENERATOR runs another generator that takes --urls (the
# WebRTC one: bench/Parley.LoadTest/bin/Release/net10.0/Parley.LoadTest.dll); the nodes inherit this environment, so
# other server settings (Media__WorkerCount=1, RateLimits__JoinCode__PermitLimit=...) can be given before the command.
# PARLEY_BENCH_METRICS=DIR turns on each node's /metrics and saves it every second during the run
# (DIR/node-N/<unix seconds>.prom: GC pauses, thread pool, Parley's counters), to line stalls up with their cause;
# it also logs PostgreSQL's statements over 20 ms, checkpoints and autovacuum runs (DIR/postgres.log) and keeps
# Redis' slow log (commands over 10 ms, DIR/redis-slowlog.txt).
set -euo pipefail
cd "$(dirname "$0")/../.."
nodes=$1
shift
source scripts/postgres.sh
source scripts/redis.sh
pg_start
redis_start
PIDS=()
psql_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
keep_logs() {
  [[ -n ${PARLEY_BENCH_METRICS:-} ]] || return 0
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" slowlog get 128 >"$PARLEY_BENCH_METRICS/redis-slowlog.txt" 2>&1 || true
  cp "$PG_DIR/server.log" "$PARLEY_BENCH_METRICS/postgres.log" 2>/dev/null || true
}
trap 'keep_logs; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; redis_stop; pg_stop' EXIT
if [[ -n ${PARLEY_BENCH_METRICS:-} ]]; then
  mkdir -p "$PARLEY_BENCH_METRICS"
  "$psql_bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc "ALTER SYSTEM SET log_min_duration_statement = 20" \
    -c "ALTER SYSTEM SET log_checkpoints = on" -c "ALTER SYSTEM SET log_autovacuum_min_duration = 0" \
    -c "ALTER SYSTEM SET log_line_prefix = '%m '" -c "SELECT pg_reload_conf()" >/dev/null
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" config set slowlog-log-slower-than 10000 >/dev/null
fi
"$psql_bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc "CREATE DATABASE parley_bench"
server_dir=${PARLEY_SERVER_DIR:-$PWD/src/Parley.Server/bin/Release/net10.0}
urls=()
for ((n = 0; n < nodes; n++)); do
  url="http://127.0.0.1:$((5055 + n))"
  urls+=("$url")
  Database__Provider=Postgres \
  ConnectionStrings__Default="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=parley_bench;Maximum Pool Size=50" \
  ConnectionStrings__Redis="$([[ ${PARLEY_BENCH_REDIS:-on} == off ]] || echo "$PARLEY_TEST_REDIS")" \
  Node__Id="bench-node-$n" \
  Node__PublicUrl="$url" \
  Media__Port=0 \
  RateLimits__Auth__PermitLimit=1000 \
  Logging__LogLevel__Default=Warning \
  Telemetry__Prometheus__Enabled="$([[ -n ${PARLEY_BENCH_METRICS:-} ]] && echo true || echo false)" \
  ASPNETCORE_URLS="$url" \
    dotnet "$server_dir/Parley.Server.dll" --contentRoot "$PWD/src/Parley.Server" &
  PIDS+=($!)
  # One at a time: the first node migrates the fresh database, the others find it done.
  for _ in $(seq 300); do curl -sf "$url/health/ready" >/dev/null && break; sleep 0.2; done
done
redis_cli=(redis-cli -h 127.0.0.1 -p "$REDIS_PORT")
if [[ -n ${PARLEY_BENCH_METRICS:-} ]]; then
  for ((n = 0; n < nodes; n++)); do
    mkdir -p "$PARLEY_BENCH_METRICS/node-$n"
    # Bounded: at most 15 minutes of one scrape a second; stopped with the nodes.
    (for _ in $(seq 900); do curl -sf "${urls[$n]}/metrics" -o "$PARLEY_BENCH_METRICS/node-$n/$(date +%s.%N | cut -c1-13).prom" || break; sleep 1; done) &
    PIDS+=($!)
  done
fi
"${redis_cli[@]}" config resetstat >/dev/null
dotnet "${PARLEY_BENCH_GENERATOR:-bench/Parley.HubLoad/bin/Release/net10.0/Parley.HubLoad.dll}" --urls "$(IFS=,; echo "${urls[*]}")" "$@"
# What the cluster asked of Redis during the run (set-up, joins, leaves, heartbeats, backplane), most called first.
echo "redis commands: $("${redis_cli[@]}" info commandstats | sed -n 's/^cmdstat_\([a-z|]*\):calls=\([0-9]*\).*/\2 \1/p' | sort -rn | head -8 | tr '\n' ' ')"
