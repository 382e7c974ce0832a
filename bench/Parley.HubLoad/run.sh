#!/usr/bin/env bash
# Signaling hub load run: a throwaway PostgreSQL, the server (Release), the load generator; all stopped after.
set -euo pipefail
cd "$(dirname "$0")/../.."
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
  dotnet src/Parley.Server/bin/Release/net10.0/Parley.Server.dll --contentRoot "$PWD/src/Parley.Server" &
SERVER_PID=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:5055/healthz >/dev/null && break; sleep 0.2; done
dotnet bench/Parley.HubLoad/bin/Release/net10.0/Parley.HubLoad.dll --url http://127.0.0.1:5055 "$@" --server-pid "$SERVER_PID"
