#!/usr/bin/env bash
# Participants held by 1 node vs 2 nodes on this machine: for each count N (4-person meetings, everyone publishing,
# top layer) a fresh cluster of 1 node and then of 2 nodes (bench/Parley.HubLoad/run-cluster.sh: a throwaway
# PostgreSQL and Redis, nodes on 127.0.0.1:5055/5056, nothing pinned) and bench/Parley.LoadTest spread over them.
# A count is HELD when, over the whole measured window, every participant received every other's audio and video,
# no stream (video between complete frames, or audio between packets) stopped for more than 500 ms, loss after
# retransmission stayed under 1 % and media latency p99 under 150 ms.
# Usage: bench/Parley.LoadTest/held.sh N [N ...]      (build the server and the generator, Release, first)
# Env:   OUT (/tmp/parley-held), SECONDS_PER_RUN (20), WARMUP_SECONDS (20: media not counted first), RAMP (20), NODES ("1 2"), and any server setting, e.g.
#        Media__MaxQueueDelay=00:00:00 (both arms get it). PARLEY_BENCH_METRICS is set per run (OUT/metrics-N-nodes).
# Output: OUT/N-nodes.json and .log per run, a markdown table on stdout.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-/tmp/parley-held}
mkdir -p "$OUT"
for N in "$@"; do
  for nodes in ${NODES:-1 2}; do
    set +e
    RateLimits__JoinCode__PermitLimit=100000 PARLEY_BENCH_METRICS="$OUT/metrics-$N-$nodes" \
    PARLEY_BENCH_GENERATOR="$ROOT/bench/Parley.LoadTest/bin/Release/net10.0/Parley.LoadTest.dll" \
      "$ROOT/bench/Parley.HubLoad/run-cluster.sh" "$nodes" --rooms $((N / 4)) --size 4 --seconds "${SECONDS_PER_RUN:-20}" \
      --ramp "${RAMP:-20}" --warmup "${WARMUP_SECONDS:-20}" --json "$OUT/$N-$nodes.json" >"$OUT/$N-$nodes.log" 2>&1
    set -e
  done
done
echo "| participants | nodes | held | latency p50 / p99 | loss | freezes (video / audio) | generator stalls (send / receive) | freezes during a generator stall | join p50 / p99 | server CPU (all nodes) | generator CPU | cores busy | load avg |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for N in "$@"; do
  for nodes in ${NODES:-1 2}; do
    python3 - "$OUT/$N-$nodes.json" "$N" "$nodes" <<'PY'
import json, sys
path, n, nodes = sys.argv[1:4]
try:
    d = json.load(open(path))
except (OSError, ValueError):
    print(f"| {n} | {nodes} | no result | | | | | | | | | | |"); sys.exit()
f = d["freezeDetails"]
held = d["complete"] and d["freezes"] == 0 and d["lossPercent"] < 1 and d["latencyP99Milliseconds"] < 150
stalls = d["generatorStalls"]
print(f"| {n} | {nodes} | {'**yes**' if held else 'no'} | {d['latencyP50Milliseconds']:.2f} / {d['latencyP99Milliseconds']:.1f} ms | "
      f"{d['lossPercent']:.3f} % | {d['freezes']} ({sum(x['isVideo'] for x in f)} / {sum(not x['isVideo'] for x in f)}) | "
      f"{sum(s['kind'] == 'Send' or s['kind'] == 0 for s in stalls)} / {sum(s['kind'] == 'Receive' or s['kind'] == 1 for s in stalls)}{'' if not stalls else ', max %.0f ms' % max(s['milliseconds'] for s in stalls)} | "
      f"{sum(x['duringGeneratorStall'] for x in f)} of {len(f)} | "
      f"{d['joinP50Milliseconds']:.0f} / {d['joinP99Milliseconds']:.0f} ms | {d['serverCpuPercent']:.1f} % | {d['generatorCpuPercent']:.1f} % | "
      f"{' / '.join('%.0f' % c for c in d['coreBusyPercent'])} % | {d['loadAverage'][0]:.2f} |")
PY
  done
done
