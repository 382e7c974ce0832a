#!/usr/bin/env bash
# Capacity sweep of the WebRTC path: for each participant count, a fresh Parley server pinned to one core (taskset,
# one media worker) and bench/Parley.LoadTest pinned to the other, then a PNG plot of server CPU, p99 media latency and
# loss against participants, and a markdown table on stdout.
# Usage: bench/Parley.LoadTest/sweep.sh [N ...]        (default: 8 16 24 32 48 64 80 96)
# Env:   SCENARIO=meeting (default: rooms of ROOM_SIZE, everyone publishes) or webinar (one room, 1 publisher, N-1 viewers)
#        ROOM_SIZE (4), SECONDS_PER_RUN (10), RAMP (20 participants/s), LAYER (auto), EXTRA_ARGS (more generator options)
#        SERVER_CORE (0), GENERATOR_CORE (1), OUT (docs/loadtest-<scenario>), PROFILE_AT=N (also record `perf` on the
#        server for 10 s at that count into OUT/perf-N.txt; needs the Debian package linux-perf; that one server runs
#        with DOTNET_PerfMapEnabled=1 and DOTNET_EnableWriteXorExecute=0 so that perf names JIT-compiled methods),
#        PLAIN_COMPARE="50 100" (then bench/forwarding/run.sh with those consumer counts, the PlainTransport figure of
#        the same minutes, into OUT/plain.md)
# Output: OUT/N.json (every figure of each run), OUT/sweep.tsv, OUT/sweep.png (gnuplot, Debian package gnuplot-nox,
#        installed here with apt-get when missing).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCENARIO=${SCENARIO:-meeting}
ROOM_SIZE=${ROOM_SIZE:-4}
RUN_SECONDS=${SECONDS_PER_RUN:-10}
RAMP=${RAMP:-20}
LAYER=${LAYER:-auto}
SERVER_CORE=${SERVER_CORE:-0}
GENERATOR_CORE=${GENERATOR_CORE:-1}
OUT=${OUT:-$ROOT/docs/loadtest-$SCENARIO}
COUNTS=("$@")
[ ${#COUNTS[@]} -eq 0 ] && COUNTS=(8 16 24 32 48 64 80 96)

command -v gnuplot >/dev/null || apt-get install -y gnuplot-nox >/dev/null
mkdir -p "$OUT"
TMP=$(mktemp -d)
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

dotnet build -c Release "$ROOT/src/Parley.Server" -p:SkipWebClientBuild=true -o "$TMP/server" -v q -nologo >"$TMP/build.log" || { cat "$TMP/build.log"; exit 1; }
dotnet build -c Release "$ROOT/bench/Parley.LoadTest" -o "$TMP/loadtest" -v q -nologo >"$TMP/build.log" || { cat "$TMP/build.log"; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

printf 'participants\tserver_cpu\tlatency_p99\tloss\tfreezes\tjoin_p50\tjoin_p99\tstreams\tgenerator_cpu\tload1\tlatency_p50\trss_kb_per_participant\tcpu_per_stream\tpackets_in_per_s\n' >"$OUT/sweep.tsv"
echo "| participants | rooms | streams forwarded | server CPU | per stream | p50 / p99 latency | loss | freezes | join p50 / p99 | generator CPU | cores busy | load avg |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for N in "${COUNTS[@]}"; do
  if [ "$SCENARIO" = webinar ]; then
    SHAPE=(--rooms 1 --size "$N" --publishers 1)
  else
    SHAPE=(--rooms $((N / ROOM_SIZE)) --size "$ROOM_SIZE")
  fi
  DATA="$TMP/data.$N"
  mkdir -p "$DATA"
  HTTP_PORT=$(free_port)
  ( cd "$DATA" && ASPNETCORE_URLS="http://127.0.0.1:$HTTP_PORT" ASPNETCORE_ENVIRONMENT=Production \
      ConnectionStrings__Default="Data Source=$DATA/parley.db" Media__Port="$(free_port)" Media__WorkerCount=1 \
      Media__ListenAddress=127.0.0.1 Media__AnnouncedAddress=127.0.0.1 \
      RateLimits__Auth__PermitLimit=100000 RateLimits__JoinCode__PermitLimit=100000 Logging__LogLevel__Default=Warning \
      DOTNET_PerfMapEnabled=$([ "${PROFILE_AT:-}" = "$N" ] && echo 1 || echo 0) \
      DOTNET_EnableWriteXorExecute=$([ "${PROFILE_AT:-}" = "$N" ] && echo 0 || echo 1) \
      exec taskset -c "$SERVER_CORE" dotnet "$TMP/server/Parley.Server.dll" --contentRoot "$ROOT/src/Parley.Server" >"$TMP/server.$N.log" 2>&1 ) &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/api/auth/me" 2>/dev/null | grep -q 401 && break
    sleep 0.2
  done
  PERF_PID=""
  if [ "${PROFILE_AT:-}" = "$N" ]; then
    ( sleep $((N / RAMP + 8)); perf record -F 499 -g -p "$SERVER_PID" -o "$TMP/perf.data" -- sleep 10 >/dev/null 2>&1 ) &
    PERF_PID=$!
  fi
  set +e
  taskset -c "$GENERATOR_CORE" dotnet "$TMP/loadtest/Parley.LoadTest.dll" --server "http://127.0.0.1:$HTTP_PORT" "${SHAPE[@]}" \
    --seconds "$RUN_SECONDS" --ramp "$RAMP" --layer "$LAYER" --server-pid "$SERVER_PID" --json "$OUT/$N.json" ${EXTRA_ARGS:-} \
    >"$TMP/loadtest.$N.log" 2>"$TMP/progress.$N.log"
  STATUS=$?
  set -e
  if [ -n "$PERF_PID" ]; then
    wait "$PERF_PID" || true
    { echo "# by shared object"; perf report -i "$TMP/perf.data" --no-children --sort dso -g none --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -15
      echo "# top symbols"; perf report -i "$TMP/perf.data" --no-children --sort dso,symbol -g none --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -45
    } >"$OUT/perf-$N.txt" || true
  fi
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  if [ ! -s "$OUT/$N.json" ]; then
    echo "| $N | run failed (exit $STATUS): $(tail -1 "$TMP/progress.$N.log") |"
    continue
  fi
  python3 - "$OUT/$N.json" "$N" "$STATUS" >>"$OUT/sweep.tsv" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
def n(v): return "nan" if v in (None, "NaN") else v
print("\t".join(str(x) for x in [sys.argv[2], n(r["serverCpuPercent"]), n(r["latencyP99Milliseconds"]), r["lossPercent"], r["freezes"],
    n(r["joinP50Milliseconds"]), n(r["joinP99Milliseconds"]), r["streamsForwarded"], r["generatorCpuPercent"], r["loadAverage"][0],
    n(r["latencyP50Milliseconds"]), n(r["serverRssKilobytesPerParticipant"]), n(r["serverCpuPercentPerForwardedStream"]), r["packetsReceivedPerSecond"]]))
PY
  python3 - "$OUT/$N.json" "$N" "$STATUS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
def f(v, d=1): return "-" if v in (None, "NaN") else f"{v:.{d}f}"
ok = "" if sys.argv[3] == "0" else f" (exit {sys.argv[3]}: {r['participantsReceivingAll']}/{r['participants']} receiving all)"
print(f"| {sys.argv[2]}{ok} | {r['rooms']} | {r['streamsForwarded']} | {f(r['serverCpuPercent'])} % | {f(r['serverCpuPercentPerForwardedStream'], 2)} % | "
      f"{f(r['latencyP50Milliseconds'], 2)} / {f(r['latencyP99Milliseconds'], 1)} ms | {r['lossPercent']:.3f} % | {r['freezes']} | "
      f"{f(r['joinP50Milliseconds'], 0)} / {f(r['joinP99Milliseconds'], 0)} ms | {f(r['generatorCpuPercent'])} % | "
      f"{' / '.join(f'{c:.0f} %' for c in r['coreBusyPercent'])} | {r['loadAverage'][0]:.2f} |")
PY
done

gnuplot <<GP
set terminal pngcairo size 900,900 font ",10"
set output "$OUT/sweep.png"
set datafile separator "\t"
set key autotitle columnhead
set multiplot layout 3,1 title "Parley WebRTC path, $SCENARIO (server on one core, generator on another) — $(date -u '+%Y-%m-%d %H:%M UTC')"
set grid
set xlabel "participants"
set ylabel "CPU (% of one core)"
set yrange [0:*]
plot "$OUT/sweep.tsv" using 1:2 with linespoints title "server CPU", "" using 1:9 with linespoints title "generator CPU"
set ylabel "media latency (ms)"
set logscale y
set yrange [*:*]
plot "$OUT/sweep.tsv" using 1:3 with linespoints title "p99", "" using 1:11 with linespoints title "p50", 50 with lines dt 2 title "50 ms"
unset logscale y
set ylabel "loss after retransmission (%)"
set yrange [0:*]
plot "$OUT/sweep.tsv" using 1:4 with linespoints title "loss", 0.1 with lines dt 2 title "0.1 %"
unset multiplot
GP
if [ -n "${PLAIN_COMPARE:-}" ]; then
  # shellcheck disable=SC2086
  "$ROOT/bench/forwarding/run.sh" $PLAIN_COMPARE | tee "$OUT/plain.md"
  echo "load average after the PlainTransport runs: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/plain.md"
fi
echo "plot: $OUT/sweep.png, data: $OUT/sweep.tsv and $OUT/*.json"
