#!/usr/bin/env bash
# The WebRTC path under overload, MaxQueueDelay A/B: for each participant count and each queue budget (alternating,
# so the budgets of one count run in the same minutes), a fresh Parley server (one media worker, pinned to core 0)
# and bench/Parley.LoadTest (pinned to core 1), then one markdown row: media latency and loss after retransmission as
# the receivers saw them, and the server's own drops by reason from its Prometheus endpoint (/metrics), read when
# the generator has finished (so for the whole run, ramp included).
#   bench/forwarding/webrtc-overload.sh N [N...]
#   env: DELAYS ("00:00:00.050 00:00:00.100": Media__MaxQueueDelay values, 00:00:00 never sheds), SCENARIO (webinar:
#        one room, 1 publisher, N-1 viewers; meeting: rooms of 4, everyone publishes), SECONDS_PER_RUN (10),
#        RAMP (20), LAYER (auto), LOCK (a file to flock around each count's runs, e.g. /work/helpers/measure.lock),
#        OUT (a folder for each run's JSON and metrics; a temp dir by default)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCENARIO=${SCENARIO:-webinar}
DELAYS=(${DELAYS:-00:00:00.050 00:00:00.100})
RUN_SECONDS=${SECONDS_PER_RUN:-10}
RAMP=${RAMP:-20}
LAYER=${LAYER:-auto}
TMP=$(mktemp -d)
OUT=${OUT:-$TMP/out}
mkdir -p "$OUT"
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT
nice -n 19 dotnet build -c Release "$ROOT/src/Parley.Server" -p:SkipWebClientBuild=true -o "$TMP/server" -v q -nologo >"$TMP/build.log" || { cat "$TMP/build.log"; exit 1; }
nice -n 19 dotnet build -c Release "$ROOT/bench/Parley.LoadTest" -o "$TMP/loadtest" -v q -nologo >"$TMP/build.log" || { cat "$TMP/build.log"; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# One run: N participants against a server with the given budget; prints one table row.
run_one() {
  local N=$1 DELAY=$2 SHAPE DATA HTTP_PORT SERVER_PID STATUS
  if [ "$SCENARIO" = webinar ]; then SHAPE=(--rooms 1 --size "$N" --publishers 1); else SHAPE=(--rooms $((N / 4)) --size 4); fi
  DATA="$TMP/data.$N.$DELAY"
  mkdir -p "$DATA"
  HTTP_PORT=$(free_port)
  ( cd "$DATA" && ASPNETCORE_URLS="http://127.0.0.1:$HTTP_PORT" ASPNETCORE_ENVIRONMENT=Production \
      ConnectionStrings__Default="Data Source=$DATA/parley.db" Media__Port="$(free_port)" Media__WorkerCount=1 \
      Media__ListenAddress=127.0.0.1 Media__AnnouncedAddress=127.0.0.1 Media__MaxQueueDelay="$DELAY" \
      Telemetry__Prometheus__Enabled=true \
      RateLimits__Auth__PermitLimit=100000 RateLimits__JoinCode__PermitLimit=100000 Logging__LogLevel__Default=Warning \
      exec taskset -c 0 dotnet "$TMP/server/Parley.Server.dll" --contentRoot "$ROOT/src/Parley.Server" >"$DATA/server.log" 2>&1 ) &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/api/auth/me" 2>/dev/null | grep -q 401 && break
    sleep 0.2
  done
  set +e
  taskset -c 1 dotnet "$TMP/loadtest/Parley.LoadTest.dll" --server "http://127.0.0.1:$HTTP_PORT" "${SHAPE[@]}" \
    --seconds "$RUN_SECONDS" --ramp "$RAMP" --layer "$LAYER" --server-pid "$SERVER_PID" --json "$OUT/$N-$DELAY.json" --quiet \
    >"$DATA/loadtest.log" 2>&1
  STATUS=$?
  set -e
  sleep 1.5 # the workers' statistics snapshot is refreshed once a second
  curl -s "http://127.0.0.1:$HTTP_PORT/metrics" >"$OUT/$N-$DELAY.metrics" || true
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  if [ ! -s "$OUT/$N-$DELAY.json" ]; then echo "| $N | $DELAY | run failed (exit $STATUS): $(tail -1 "$DATA/loadtest.log") |"; return; fi
  python3 - "$OUT/$N-$DELAY.json" "$OUT/$N-$DELAY.metrics" "$N" "$DELAY" "$STATUS" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
drops = {}
for line in open(sys.argv[2]):
    m = re.match(r'parley_media_packets_dropped(?:_total)?\{(.*)\}\s+(\S+)', line)
    if not m: continue
    labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
    value = float(m.group(2))
    if value > 0: drops[f"{labels.get('layer')}/{labels.get('reason')}"] = int(value)
def f(v, d=1): return "-" if v in (None, "NaN") else f"{v:.{d}f}"
ok = "" if sys.argv[5] == "0" else f" (exit {sys.argv[5]})"
print(f"| {sys.argv[3]}{ok} | {sys.argv[4]} | {r['streamsForwarded']} | {r['packetsReceivedPerSecond']:,.0f} | {f(r['serverCpuPercent'])} % | "
      f"{f(r['latencyP50Milliseconds'], 2)} / {f(r['latencyP99Milliseconds'], 1)} ms | {r['lossPercent']:.3f} % | {r['nackedPacketsSent']:,} | "
      f"{', '.join(f'{k} {v:,}' for k, v in sorted(drops.items())) or 'none'} | {r['freezes']} | {r['loadAverage'][0]:.2f} |")
PY
}

echo "| participants | MaxQueueDelay | streams | packets/s received | server CPU | latency p50 / p99 | loss after RTX | packets NACKed | server drops by reason (whole run) | freezes | load avg |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for N in "$@"; do
  if [ -n "${LOCK:-}" ]; then
    exec 9>"$LOCK"
    flock 9
  fi
  for DELAY in "${DELAYS[@]}"; do run_one "$N" "$DELAY"; done
  [ -n "${LOCK:-}" ] && flock -u 9
done
