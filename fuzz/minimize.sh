#!/usr/bin/env bash
# After fuzz/run.sh <target>: minimizes the queue AFL grew (afl-cmin keeps one input per coverage tuple) and puts it
# into the checked-in corpus as fuzz/corpus/<target>/afl-NNN.bin beside the hand-made seed-NN.bin files, so that
# the replay test covers what the fuzzer reached. Usage: fuzz/minimize.sh <target>
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="${1:?usage: fuzz/minimize.sh <target>}"
work="$here/.work/$target"
queue="$work/findings/default/queue"
[[ -d "$queue" ]] || { echo "no queue in $queue: run fuzz/run.sh $target <seconds> first" >&2; exit 2; }

export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1
rm -rf "$work/min"
nice -n 15 afl-cmin -i "$queue" -o "$work/min" -t 5000 -m none -- "$(readlink -f "$(command -v dotnet)")" "$work/bin/Parley.Media.Fuzz.dll" "$target" >"$work/cmin.log" 2>&1

corpus="$here/corpus/$target"
rm -f "$corpus"/afl-*.bin
index=0
for file in "$work/min"/*; do
  # The hand-made seeds stay as they are; everything else that survived minimization (earlier afl-*.bin included) is kept.
  [[ "$(basename "$file")" == *orig:seed-* ]] && continue
  cp "$file" "$corpus/$(printf 'afl-%03d.bin' "$index")"
  index=$((index + 1))
done
echo "$target: $index minimized inputs added to $corpus ($(du -cb "$corpus"/* | tail -1 | cut -f1) bytes in all)"
