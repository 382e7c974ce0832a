#!/usr/bin/env bash
# Cost of checking the session cookie's security stamp on every request: wrk against GET /api/auth/me with a
# session cookie (SQLite), for one server build.
#   bench/http/cookie.sh [server-dll=src/Parley.Server/bin/Release/net10.0/Parley.Server.dll] [seconds=10] [connections=16]
# For an A/B, build the other commit elsewhere (git archive <commit> | tar -x -C /tmp/other; dotnet build there)
# and run this script once with each dll, in the same minutes. Needs wrk (apt-get install -y wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DLL=${1:-$ROOT/src/Parley.Server/bin/Release/net10.0/Parley.Server.dll}
DURATION=${2:-10}
CONNECTIONS=${3:-16}
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
BASE="http://127.0.0.1:$PORT"
WORK=$(mktemp -d /tmp/parley-cookie.XXXXXX)
SERVER_PID=

command -v wrk >/dev/null || { echo "cookie.sh: wrk is missing (apt-get install -y wrk)" >&2; exit 1; }
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

Database__Provider=Sqlite ConnectionStrings__Default="Data Source=$WORK/parley.db" \
RateLimits__Auth__PermitLimit=1000000 Logging__LogLevel__Default=Warning ASPNETCORE_ENVIRONMENT=Production \
  dotnet "$DLL" --urls "$BASE" --contentRoot "$ROOT/src/Parley.Server" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

curl -fs -X POST "$BASE/api/auth/register" -H 'Content-Type: application/json' \
  -d '{"email":"cookie@example.test","password":"benchmark password","name":"Bench"}' >/dev/null
curl -fs -c "$WORK/jar" -X POST "$BASE/api/auth/login?useCookies=true" -H 'Content-Type: application/json' \
  -d '{"email":"cookie@example.test","password":"benchmark password"}' >/dev/null
COOKIE=$(awk '$6 == "parley_session" { print $7 }' "$WORK/jar")
curl -fs -H "Cookie: parley_session=$COOKIE" "$BASE/api/auth/me" >/dev/null

wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Cookie: parley_session=$COOKIE" "$BASE/api/auth/me" >"$WORK/wrk.txt"
awk -v dll="$DLL" '
  /Requests\/sec/ { rps = $2 }
  /^ +50%/ { p50 = $2 }
  /^ +99%/ { p99 = $2 }
  /Non-2xx/ { errors = $NF }
  END { printf "| %s | GET /api/auth/me (cookie) | %s | %s | %s |%s\n", dll, rps, p50, p99, (errors ? " non-2xx: " errors : "") }' <"$WORK/wrk.txt"
