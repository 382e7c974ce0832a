#!/usr/bin/env bash
# CPU per forwarded copy over WebRtcTransport without and with the pacer, run alternately in the same minutes:
# rtpgen -> one PlainTransport producer -> N WebRtcTransport consumers, each with an in-process peer (ICE, DTLS, SRTP)
# (Parley.ForwardBench --webrtc). "before" is ForwardBench built from BASE (a tree without the pacer, e.g. main
# exported with `git archive`); "after E" is this tree's with --estimate E, so the pacer paces each transport at
# 2.5 × E (the peers send no feedback, so the estimate stays at E). The figure is the forwarding worker thread's own CPU
# time (schedstat) over the copies it sent, as in webrtc-ab.sh.
#   bench/forwarding/pacer-ab.sh BASE N SUITE ESTIMATE [ESTIMATE...]     e.g. /tmp/base 20 AEAD_AES_128_GCM 8000000 4000000
#   env: SECONDS_PER_RUN (10), PPS (1000), SIZE (1200), ROUNDS (2); BUILT=DIR skips the builds (DIR/before, DIR/after)
#   Build first without the measuring lock (BUILT=DIR pacer-ab.sh build BASE), then run under it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TOOLS=${BENCH_TOOLS:-/work/shared/bench}
RUN_SECONDS=${SECONDS_PER_RUN:-10}
PPS=${PPS:-1000}
SIZE=${SIZE:-1200}
ROUNDS=${ROUNDS:-2}
OUT=${BUILT:-$(mktemp -d)}
if [ "${1:-}" = build ]; then
  BASE=$2
  mkdir -p "$OUT"
  gcc -O2 -o "$OUT/rtpgen" "$TOOLS/rtpgen.c"
  dotnet build -c Release "$BASE/bench/Parley.ForwardBench" -p:SkipWebClientBuild=true -o "$OUT/before" >/dev/null
  dotnet build -c Release "$ROOT/bench/Parley.ForwardBench" -p:SkipWebClientBuild=true -o "$OUT/after" >/dev/null
  exit 0
fi
BASE=$1; N=$2; SUITE=$3; shift 3
ESTIMATES=("$@")
[ -x "$OUT/rtpgen" ] || BUILT=$OUT "$0" build "$BASE"
TMP=$(mktemp -d)
FWD_PID=""
cleanup() { [ -n "$FWD_PID" ] && kill "$FWD_PID" 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2], ""))' "$1" "$2"; }

echo "| round | build | estimate | consumers | copies sent | decrypted by the peers | queued in the pacer | pacer drops | worker CPU | worker CPU per copy |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for ROUND in $(seq 1 "$ROUNDS"); do
  for MODE in before "${ESTIMATES[@]}"; do
    ARGS=(--consumers "$N" --srtp "$SUITE" --webrtc)
    DIR=$OUT/after
    if [ "$MODE" = before ]; then DIR=$OUT/before; else ARGS+=(--estimate "$MODE"); fi
    mkfifo "$TMP/in"
    dotnet "$DIR/Parley.ForwardBench.dll" "${ARGS[@]}" <"$TMP/in" >"$TMP/fwd.log" &
    FWD_PID=$!
    exec 3>"$TMP/in"
    until grep -q ready "$TMP/fwd.log" 2>/dev/null; do kill -0 "$FWD_PID" || exit 1; sleep 0.1; done
    PORT=$(field "$(grep ready "$TMP/fwd.log")" port)
    sleep 2
    "$OUT/rtpgen" 127.0.0.1 "$PORT" 1234 "$PPS" "$RUN_SECONDS" "$SIZE" >/dev/null
    exec 3>&-
    wait "$FWD_PID" || true
    FWD_PID=""
    rm -f "$TMP/in"
    LAST=$(tail -n 1 "$TMP/fwd.log")
    SENT=$(field "$LAST" sent); CPU=$(field "$LAST" workerCpuMs)
    PER=$(python3 -c "print(f'{$CPU*1000/max(1,$SENT):.2f} µs')")
    if [ "$MODE" = before ]; then BUILD=base; EST="(no pacer)"; else BUILD=pacer; EST=$MODE; fi
    echo "| $ROUND | $BUILD | $EST | $N | $SENT | $(field "$LAST" peerReceived) | $(field "$LAST" pacerQueued) | $(field "$LAST" pacerDropped) | ${CPU} ms | $PER |"
  done
done
