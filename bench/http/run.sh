#!/usr/bin/env bash
# Load test of the rooms HTTP API over loopback with wrk, on SQLite and on PostgreSQL.
#   bench/http/run.sh [seconds=10] [connections=16]
# Builds the server (Release), and for each provider: starts it on 127.0.0.1, registers a user, gets a
# token, runs wrk against POST /api/rooms/create and GET /api/rooms/join/{joinCode}, stops it.
# Prints one markdown table row per run. Needs wrk (apt-get install -y wrk) and PostgreSQL server
# binaries (scripts/deps.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DURATION=${1:-10}
CONNECTIONS=${2:-16}
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
BASE="http://127.0.0.1:$PORT"
WORK=$(mktemp -d /tmp/parley-bench.XXXXXX)
SERVER_PID=

command -v wrk >/dev/null || { echo "run.sh: wrk is missing (apt-get install -y wrk)" >&2; exit 1; }
dotnet build src/Parley.Server -c Release -p:SkipWebClientBuild=true -nologo -v q >/dev/null

# shellcheck source=../../scripts/postgres.sh
source scripts/postgres.sh

cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  pg_stop
  rm -rf "$WORK"
}
trap cleanup EXIT

start_server() { # provider connection-string
  Database__Provider=$1 ConnectionStrings__Default=$2 \
  RateLimits__Auth__PermitLimit=1000000 RateLimits__JoinCode__PermitLimit=1000000000 \
  Logging__LogLevel__Default=Warning ASPNETCORE_ENVIRONMENT=Production \
    dotnet "$ROOT/src/Parley.Server/bin/Release/net10.0/Parley.Server.dll" --urls "$BASE" \
    --contentRoot "$ROOT/src/Parley.Server" >"$WORK/server-$1.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -fs "$BASE/healthz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  cat "$WORK/server-$1.log" >&2
  return 1
}

stop_server() {
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
}

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# Prints "| provider | endpoint | req/s | p50 | p99 |" from wrk's --latency output.
report() {
  awk -v provider="$1" -v endpoint="$2" '
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = $2 }
    /^ +99%/ { p99 = $2 }
    /Non-2xx/ { errors = $NF }
    END { printf "| %s | %s | %s | %s | %s |%s\n", provider, endpoint, rps, p50, p99, (errors ? " non-2xx: " errors : "") }'
}

run_provider() { # provider connection-string
  start_server "$1" "$2"
  local email="bench-$RANDOM@example.test"
  curl -fs -X POST "$BASE/api/auth/register" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"benchmark password\",\"name\":\"Bench\"}" >/dev/null
  PARLEY_TOKEN=$(curl -fs -X POST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"benchmark password\"}" | json '["accessToken"]')
  export PARLEY_TOKEN
  local code
  code=$(curl -fs -X POST "$BASE/api/rooms/create" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $PARLEY_TOKEN" -d '{"name":"Lookup target"}' | json '["room"]["joinCode"]')

  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/http/create-room.lua "$BASE/api/rooms/create" \
    >"$WORK/create-$1.txt"
  report "$1" 'POST /api/rooms/create' <"$WORK/create-$1.txt"
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/http/bearer.lua "$BASE/api/rooms/join/$code" \
    >"$WORK/join-$1.txt"
  report "$1" 'GET /api/rooms/join/{joinCode}' <"$WORK/join-$1.txt"
  stop_server
}

echo "load average before the runs (2 cores are shared): $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk: 1 thread, $CONNECTIONS connections, ${DURATION}s per endpoint"
echo
echo "| provider | endpoint | requests/s | p50 | p99 |"
echo "|---|---|---|---|---|"
run_provider Sqlite "Data Source=$WORK/parley.db"
pg_start >/dev/null
psql "host=127.0.0.1 port=$PG_PORT user=postgres dbname=postgres" -qc 'CREATE DATABASE parley_bench' >/dev/null
run_provider Postgres "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=parley_bench;Maximum Pool Size=50"
