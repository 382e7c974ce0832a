#!/usr/bin/env bash
# Failover time as a benchmark: tests/Parley.EndToEnd.Tests' ClusterFailoverTests run RUNS times (two Parley nodes on a
# throwaway PostgreSQL and Redis, two Chromium pages meeting on node B, node B killed with SIGKILL, the pages meeting
# again on node A by themselves), each run watched from outside by watch.py: when node B's process died, and when the
# room_user rows of the dead node were gone and both people's rows were on the live node (the database polled every
# 50 ms). The failover figure itself is the test's: from the kill to both pages decoding each other's camera and
# receiving each other's microphone on new consumers (each page polled every 200 ms).
# Usage: bench/failover/run.sh [RUNS]     (default 3, at most 10; build tests/Parley.EndToEnd.Tests -c Release first)
# Env:   OUT (/tmp/parley-failover): per run the test's output (N.test.log) and the watcher's timeline (N.rows.log).
# Output: a markdown table on stdout, one row per run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${1:-3}
((RUNS >= 1 && RUNS <= 10)) || { echo "RUNS is 1 to 10" >&2; exit 2; }
OUT=${OUT:-/tmp/parley-failover}
mkdir -p "$OUT"
cd "$ROOT"
source scripts/postgres.sh
source scripts/redis.sh
pg_start >/dev/null
redis_start >/dev/null
trap 'redis_stop; pg_stop' EXIT

echo "| start (UTC) | load avg (1 min) | test | failover: kill → both pages decode camera + hear mic again | dead node's rows gone after kill | both rows on the live node after kill |"
echo "|---|---|---|---|---|---|"
for ((run = 1; run <= RUNS; run++)); do
  start=$(date -u +%H:%M:%S)
  load=$(cut -d' ' -f1 /proc/loadavg)
  python3 "$ROOT/bench/failover/watch.py" "$PG_PORT" >"$OUT/$run.rows.log" 2>&1 &
  watcher=$!
  set +e
  timeout 300 dotnet test tests/Parley.EndToEnd.Tests -c Release --no-build \
    --filter "FullyQualifiedName~ClusterFailoverTests" --logger "console;verbosity=detailed" >"$OUT/$run.test.log" 2>&1
  status=$?
  wait "$watcher"
  set -e
  failover=$(sed -n 's/.*Failover: \([0-9.]*\) s from SIGKILL.*/\1 s/p' "$OUT/$run.test.log" | head -n 1)
  rows_gone=$(sed -n 's/^dead node rows gone: \(.*\)/\1/p' "$OUT/$run.rows.log")
  rows_live=$(sed -n 's/^both rows on the live node: \(.*\)/\1/p' "$OUT/$run.rows.log")
  echo "| $start | $load | $([[ $status == 0 ]] && echo passed || echo "FAILED ($status)") | ${failover:-none} | ${rows_gone:-none} | ${rows_live:-none} |"
done
