#!/usr/bin/env bash
# SFU forwarding benchmark (see /work/shared/bench/README.md): rtpgen -> one PlainTransport producer -> N PlainTransport
# consumers -> one rtpsink port. The forwarder runs pinned to core 1, rtpgen and rtpsink to core 0.
# Usage: bench/forwarding/run.sh [N ...]     (default: 100 150 200 250 275)
# Env:   SECONDS_PER_RUN (10), PPS (1000), SIZE (1200), BENCH_TOOLS (/work/shared/bench),
#        MAX_QUEUE_DELAY_MS (the worker's shedding budget, Parley only; the engine default when unset, 0 never sheds),
#        FORWARDER=parley (default) or cfwd (the bare C loop of cfwd.c, measured under the same conditions),
#        CFWD_CONNECT=1 (cfwd connects its sockets to the sink and sends without an address, as Parley's transports do)
#        SRTP=AES_CM_128_HMAC_SHA1_80 | AEAD_AES_128_GCM (or the other two mediasoup suites): every consumer transport
#          sends SRTP, each with its own key, and srtpsink.c (libsrtp2) decrypts instead of rtpsink; the producer leg
#          stays plain RTP from rtpgen unless SRTP_PRODUCER=1 (then srtpgen.c sends SRTP into an SRTP producer).
#          The table gains the sink's decrypt failures and its CPU. Needs the Debian package libsrtp2-dev.
#        SRTP_SAMPLE=k (1): the sink decrypts and times only every k-th packet of each consumer and counts the rest from
#          their clear headers. Debian's libsrtp2 (NSS) needs ~11 µs per AES-CM packet: with k=1 the sink saturates
#          core 0 long before the forwarder saturates core 1. Use k=1 to check correctness, k=16 or so for the figures.
#        SRTP_SINK_KEY=keyBase64: the sink decrypts every SSRC with this key instead of the consumers' own (a wrong
#          key: checks that the sink reports decrypt failures rather than counting garbage)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TOOLS=${BENCH_TOOLS:-/work/shared/bench}
RUN_SECONDS=${SECONDS_PER_RUN:-10}
PPS=${PPS:-1000}
SIZE=${SIZE:-1200}
COUNTS=("$@")
[ ${#COUNTS[@]} -eq 0 ] && COUNTS=(100 150 200 250 275)

TMP=$(mktemp -d)
FWD_PID=""
cleanup() {
  [ -n "$FWD_PID" ] && kill "$FWD_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

gcc -O2 -o "$TMP/rtpgen" "$TOOLS/rtpgen.c"
gcc -O2 -o "$TMP/rtpsink" "$TOOLS/rtpsink.c"
gcc -O2 -o "$TMP/cfwd" "$ROOT/bench/forwarding/cfwd.c"
FORWARDER=${FORWARDER:-parley}
SRTP=${SRTP:-}
SRTP_PRODUCER=${SRTP_PRODUCER:-}
export SRTP_SAMPLE=${SRTP_SAMPLE:-1}
if [ -n "$SRTP" ]; then
  [ "$FORWARDER" = cfwd ] && { echo "SRTP is for FORWARDER=parley: cfwd.c does not encrypt" >&2; exit 2; }
  if [ ! -f /usr/include/srtp2/srtp.h ]; then
    echo "SRTP needs libsrtp2: install the Debian package libsrtp2-dev (apt-get install libsrtp2-dev)" >&2
    exit 1
  fi
  gcc -O2 -o "$TMP/srtpsink" "$ROOT/bench/forwarding/srtpsink.c" -lsrtp2
  gcc -O2 -o "$TMP/srtpgen" "$ROOT/bench/forwarding/srtpgen.c" -lsrtp2
elif [ -n "$SRTP_PRODUCER" ] || [ -n "${SRTP_SINK_KEY:-}" ]; then
  echo "SRTP_PRODUCER and SRTP_SINK_KEY need SRTP=SUITE" >&2
  exit 2
fi
dotnet build -c Release "$ROOT/bench/Parley.ForwardBench" -o "$TMP/fwd" -v q -nologo >"$TMP/build.log" || { cat "$TMP/build.log"; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

if [ -n "$SRTP" ]; then
  echo "| consumers | forwarded packets/s | loss | forwarder CPU | latency p50 / p99 | decrypt failures | sink CPU |"
  echo "|---|---|---|---|---|---|---|"
else
  echo "| consumers | forwarded packets/s | loss | forwarder CPU | latency p50 / p99 |"
  echo "|---|---|---|---|---|"
fi
for N in "${COUNTS[@]}"; do
  SINK_PORT=$(free_port)
  if [ "$FORWARDER" = cfwd ]; then
    taskset -c 1 "$TMP/cfwd" "$(free_port)" "$SINK_PORT" "$N" ${CFWD_CONNECT:+connect} >"$TMP/fwd.$N.log" &
    FWD_PID=$!
  else
    # The host forwards until its stdin closes: a FIFO held open on fd 3.
    mkfifo "$TMP/in.$N"
    SRTP_ARGS=()
    [ -n "$SRTP" ] && SRTP_ARGS=(--srtp "$SRTP" --srtp-keys "$TMP/keys.$N")
    [ -n "$SRTP_PRODUCER" ] && SRTP_ARGS+=(--srtp-producer)
    taskset -c 1 dotnet "$TMP/fwd/Parley.ForwardBench.dll" --consumers "$N" --sink-port "$SINK_PORT" "${SRTP_ARGS[@]}" \
      ${MAX_QUEUE_DELAY_MS:+--max-queue-delay "$MAX_QUEUE_DELAY_MS"} <"$TMP/in.$N" >"$TMP/fwd.$N.log" &
    FWD_PID=$!
    exec 3>"$TMP/in.$N"
  fi
  until grep -q ready "$TMP/fwd.$N.log" 2>/dev/null; do sleep 0.1; done
  PORT=$(field "$(grep ready "$TMP/fwd.$N.log")" port)

  # No rtpgen warm-up run here: a comedia producer locks onto the first source address. The host warms itself up.
  if [ -z "$SRTP" ]; then
    taskset -c 0 "$TMP/rtpsink" "$SINK_PORT" $((RUN_SECONDS + 4)) >"$TMP/sink.$N.json" &
  elif [ -n "${SRTP_SINK_KEY:-}" ]; then
    SRTP_SUITE=$SRTP SRTP_KEY=$SRTP_SINK_KEY taskset -c 0 "$TMP/srtpsink" "$SINK_PORT" $((RUN_SECONDS + 4)) >"$TMP/sink.$N.json" &
  else
    SRTP_SUITE=$SRTP SRTP_KEYS="$TMP/keys.$N" taskset -c 0 "$TMP/srtpsink" "$SINK_PORT" $((RUN_SECONDS + 4)) >"$TMP/sink.$N.json" &
  fi
  SINK_PID=$!
  until grep -q ready "$TMP/sink.$N.json" 2>/dev/null; do
    kill -0 "$SINK_PID" 2>/dev/null || { echo "the sink did not start" >&2; exit 1; }
    sleep 0.05
  done
  sleep 2  # let the host settle (background JIT of its set-up code) before the load starts
  CLK=$(getconf CLK_TCK)
  T0=$(date +%s.%N); C0=$(cpu_ticks "$FWD_PID")
  if [ -n "$SRTP_PRODUCER" ]; then
    PRODUCER_KEY=$(field "$(grep ready "$TMP/fwd.$N.log")" producerKeyBase64)
    GEN=$(SRTP_SUITE=$SRTP SRTP_KEY=$PRODUCER_KEY taskset -c 0 "$TMP/srtpgen" 127.0.0.1 "$PORT" 1234 "$PPS" "$RUN_SECONDS" "$SIZE")
  else
    GEN=$(taskset -c 0 "$TMP/rtpgen" 127.0.0.1 "$PORT" 1234 "$PPS" "$RUN_SECONDS" "$SIZE")
  fi
  T1=$(date +%s.%N); C1=$(cpu_ticks "$FWD_PID")
  wait "$SINK_PID"
  if [ "$FORWARDER" = cfwd ]; then kill "$FWD_PID"; else exec 3>&-; fi
  wait "$FWD_PID" || true
  FWD_PID=""

  SINK=$(tail -n 1 "$TMP/sink.$N.json")
  SENT=$(field "$GEN" sent)
  GEN_SECONDS=$(field "$GEN" seconds)
  PACKETS=$(field "$SINK" packets)
  P50=$(field "$SINK" lat_us_p50)
  P99=$(field "$SINK" lat_us_p99)
  DECRYPT_FAILED=""; SINK_CPU=""
  if [ -n "$SRTP" ]; then DECRYPT_FAILED=$(field "$SINK" decrypt_failed); SINK_CPU=$(field "$SINK" cpu_s); fi
  python3 - "$N" "$SENT" "$GEN_SECONDS" "$PACKETS" "$P50" "$P99" "$C0" "$C1" "$T0" "$T1" "$CLK" "$DECRYPT_FAILED" "$SINK_CPU" <<'PY'
import sys
n, sent, secs, packets, p50, p99, c0, c1, t0, t1, clk, decrypt_failed, sink_cpu = sys.argv[1:]
n, sent, packets = int(n), int(sent), int(packets)
expected = sent * n
loss = max(0.0, 1 - packets / expected) if expected else 0.0
cpu = (int(c1) - int(c0)) / int(clk) / (float(t1) - float(t0)) * 100
fmt = lambda us: f"{int(us)} µs" if int(us) < 1000 else f"{int(us) / 1000:.1f} ms"
row = f"| {n} | {packets / float(secs):,.0f} | {loss * 100:.2f} % | {cpu:.0f} % | {fmt(p50)} / {fmt(p99)} |"
if decrypt_failed:
    row += f" {int(decrypt_failed):,} | {float(sink_cpu) / float(secs) * 100:.0f} % |"
print(row)
PY
  tail -n 1 "$TMP/fwd.$N.log" >&2
  rm -f "$TMP/in.$N" "$TMP/keys.$N"
done
