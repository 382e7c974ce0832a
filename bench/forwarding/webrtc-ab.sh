#!/usr/bin/env bash
# CPU per forwarded copy, WebRtcTransport against PlainTransport, both with SRTP, run alternately in the same minutes:
# rtpgen -> one plain PlainTransport producer -> N consumers. Plain: N SRTP PlainTransports to an rtpsink port.
# WebRTC: N WebRtcTransports on one shared port, each with an in-process peer (ICE, DTLS, SRTP) receiving its copies
# (Parley.ForwardBench --webrtc). The figure is the forwarding worker thread's own CPU time (schedstat) over the
# packets it sent: the peers' decryption and the sink run on other threads or processes. Nothing is pinned.
#   bench/forwarding/webrtc-ab.sh N SUITE [SUITE...]      e.g. 50 AEAD_AES_128_GCM AES_CM_128_HMAC_SHA1_80
#   env: SECONDS_PER_RUN (10), PPS (1000: the input stream, each consumer gets a copy), SIZE (1200), ROUNDS (2),
#        MODES ("plain webrtc"; webrtc-sendto is WebRTC with one sendto per copy instead of sendmmsg batches:
#        MODES="webrtc-sendto webrtc" is the sendmmsg A/B), LOCK (a file to flock around each round, the build
#        outside it, e.g. /work/helpers/measure.lock)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TOOLS=${BENCH_TOOLS:-/work/shared/bench}
RUN_SECONDS=${SECONDS_PER_RUN:-10}
PPS=${PPS:-1000}
SIZE=${SIZE:-1200}
ROUNDS=${ROUNDS:-2}
read -r -a MODES <<<"${MODES:-plain webrtc}"
N=$1; shift
SUITES=("$@")
TMP=$(mktemp -d)
FWD_PID=""
cleanup() { [ -n "$FWD_PID" ] && kill "$FWD_PID" 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2], ""))' "$1" "$2"; }
gcc -O2 -o "$TMP/rtpgen" "$TOOLS/rtpgen.c"
gcc -O2 -o "$TMP/rtpsink" "$TOOLS/rtpsink.c"
nice -n 19 dotnet build -c Release "$ROOT/bench/Parley.ForwardBench" -o "$TMP/fwd" >/dev/null

echo "| round | mode | SRTP profile | consumers | copies sent | copies received | send failed | worker CPU | worker CPU per copy |"
echo "|---|---|---|---|---|---|---|---|---|"
for ROUND in $(seq 1 "$ROUNDS"); do
  if [ -n "${LOCK:-}" ]; then exec 9>"$LOCK"; flock 9; fi
  for SUITE in "${SUITES[@]}"; do
    for MODE in "${MODES[@]}"; do
      SINK_PORT=$(free_port)
      mkfifo "$TMP/in"
      ARGS=(--consumers "$N" --sink-port "$SINK_PORT" --srtp "$SUITE")
      [ "$MODE" = webrtc ] && ARGS+=(--webrtc --send-batch on)
      [ "$MODE" = webrtc-sendto ] && ARGS+=(--webrtc --send-batch off)
      dotnet "$TMP/fwd/Parley.ForwardBench.dll" "${ARGS[@]}" <"$TMP/in" >"$TMP/fwd.log" &
      FWD_PID=$!
      exec 3>"$TMP/in"
      until grep -q ready "$TMP/fwd.log" 2>/dev/null; do kill -0 "$FWD_PID" || exit 1; sleep 0.1; done
      PORT=$(field "$(grep ready "$TMP/fwd.log")" port)
      SINK_PID=""
      if [ "$MODE" = plain ]; then
        "$TMP/rtpsink" "$SINK_PORT" $((RUN_SECONDS + 4)) >"$TMP/sink.json" &
        SINK_PID=$!
        until grep -q ready "$TMP/sink.json" 2>/dev/null; do sleep 0.05; done
      fi
      sleep 2
      "$TMP/rtpgen" 127.0.0.1 "$PORT" 1234 "$PPS" "$RUN_SECONDS" "$SIZE" >/dev/null
      exec 3>&-
      wait "$FWD_PID" || true
      FWD_PID=""
      [ -n "$SINK_PID" ] && { wait "$SINK_PID" 2>/dev/null || true; }
      rm -f "$TMP/in"
      LAST=$(tail -n 1 "$TMP/fwd.log")
      SENT=$(field "$LAST" sent); CPU=$(field "$LAST" workerCpuMs)
      PER=$(python3 -c "print(f'{$CPU*1000/max(1,$SENT):.2f} µs')")
      if [ "$MODE" = plain ]; then GOT=$(field "$(tail -n 1 "$TMP/sink.json")" packets); else GOT="$(field "$LAST" peerReceived) (decrypted; $(field "$LAST" peerSrtpFailures) failures)"; fi
      echo "| $ROUND | $MODE | $SUITE | $N | $SENT | $GOT | $(field "$LAST" sendFailed) | ${CPU} ms | $PER |"
    done
  done
  if [ -n "${LOCK:-}" ]; then flock -u 9; fi
done
