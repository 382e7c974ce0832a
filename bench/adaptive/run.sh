#!/usr/bin/env bash
# Adaptive video with real Chromium behind tools/Parley.NetRelay (issue 13's figures): installs Chromium if missing
# (scripts/deps.sh), builds bench/Parley.AdaptiveBench in Release (which builds the server and the web bundle), runs it
# and prints a summary; the JSON (figures, goals met, every sample) goes to bench/adaptive/results/adaptive-<UTC time>.json
# unless --out is given. Further arguments go to the bench (--halving-from 1600000 --steady-seconds 60 --step-seconds 30
# --hold-seconds 15 --recovery-seconds 30 --camera-file FILE|builtin; see bench/Parley.AdaptiveBench/Program.cs).
# BENCH_LOCK=FILE runs the measurement (not the build) under flock FILE, for shared machines.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

bash scripts/deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [[ "${BENCH_NO_BUILD:-}" != 1 ]]; then
  dotnet build bench/Parley.AdaptiveBench -c Release -warnaserror -v quiet -nologo
fi

# The camera: a 1280×720 test pattern with moving parts and sensor-like noise, 4 s looped, so that the encoder fills its
# layers as a real camera does (Chromium's built-in fake camera draws a flat pattern its encoder makes 0.7–1.1 Mbit/s of
# at 1280 px, under the 1.2 Mbit/s cap: the halving to 0.8 Mbit/s then asked for no change). --camera-file builtin uses
# the built-in one, --camera-file FILE any Y4M file.
camera=()
if [[ " $* " != *" --camera-file "* ]]; then
  file=bench/adaptive/results/camera-1280x720-noise.y4m
  if [[ ! -s "$file" ]]; then
    mkdir -p bench/adaptive/results
    ffmpeg -loglevel error -y -f lavfi -i "testsrc2=size=1280x720:rate=30,noise=alls=10:allf=t+u" -t 4 -pix_fmt yuv420p "$file.tmp.y4m"
    mv "$file.tmp.y4m" "$file"
  fi
  camera=(--camera-file "$file")
fi

out=()
if [[ " $* " != *" --out "* ]]; then
  mkdir -p bench/adaptive/results
  out=(--out "bench/adaptive/results/adaptive-$(date -u +%Y%m%dT%H%M%SZ).json")
fi

export PARLEY_BENCH_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo '+changes')"
export PARLEY_BENCH_COMMAND="bench/adaptive/run.sh $*"
lock=()
if [[ -n "${BENCH_LOCK:-}" ]]; then lock=(flock "$BENCH_LOCK"); fi
"${lock[@]}" dotnet "$root/bench/Parley.AdaptiveBench/bin/Release/net10.0/Parley.AdaptiveBench.dll" "${out[@]}" "${camera[@]}" "$@"
