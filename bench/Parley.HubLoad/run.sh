#!/usr/bin/env bash
# Signaling hub load run: a throwaway PostgreSQL, the server (Release), the load generator; all stopped after.
# PARLEY_SERVER_DIR=<the build output of another commit> runs that server against this generator (an A/B of two
# builds, as in run-cluster.sh); default: this checkout's Release build.
set -euo pipefail
cd "$(dirname "$0")/../.."
SERVER_DIR=$(cd "${PARLEY_SERVER_DIR:-src/Parley.Server/bin/Release/net10.0}" && pwd)
source scripts/postgres.sh
pg_start
trap 'kill $SERVER_PID 2>/dev/null || true; wait $SERVER_PID 2>/dev/null || true; pg_stop' EXIT
psql_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
"$psql_bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc "CREATE DATABASE parley_bench" 
Database__Provider=Postgres \
ConnectionStrings__Default="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=parley_bench;Maximum Pool Size=50" \
RateLimits__Auth__PermitLimit=1000 \
Logging__LogLevel__Default=Warning \
ASPNETCORE_URLS=http://127.0.0.1:5055 \
  dotnet "$SERVER_DIR/Parley.Server.dll" --contentRoot "$SERVER_DIR" &
SERVER_PID=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:5055/healthz >/dev/null && break; sleep 0.2; done
dotnet bench/Parley.HubLoad/bin/Release/net10.0/Parley.HubLoad.dll --url http://127.0.0.1:5055 "$@" --server-pid "$SERVER_PID"
