#!/usr/bin/env bash
# Fuzzes one Parley.Media packet parser with AFL++ and SharpFuzz for a given time, then prints what afl-fuzz
# reports. Usage: fuzz/run.sh <target> <seconds>   (targets: fuzz/corpus/*; `fuzz/run.sh list` names them)
#
# Installs what it needs: afl++ from Debian (apt-get) and the SharpFuzz instrumenter (the dotnet tool
# SharpFuzz.CommandLine, into fuzz/.tools). Each run publishes the fuzz project into fuzz/.work/<target>/bin,
# instruments that copy of Parley.Media.dll, and writes AFL's findings to fuzz/.work/<target>/findings.
# Crashes and hangs are in findings/default/{crashes,hangs}: copy each into fuzz/regressions/<target>/ (the replay
# test runs them) and fix the parser. Runs at low priority (nice) as the machine is shared.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="${1:?usage: fuzz/run.sh <target> <seconds>}"
if [[ "$target" == list ]]; then
  ls "$here/corpus"
  exit 0
fi
seconds="${2:?usage: fuzz/run.sh <target> <seconds>}"
corpus="$here/corpus/$target"
[[ -d "$corpus" ]] || { echo "no such target: $target (have: $(ls "$here/corpus" | tr '\n' ' '))" >&2; exit 2; }

if ! command -v afl-fuzz >/dev/null; then
  echo "installing afl++ (apt-get)"
  apt-get install -y afl++ >/dev/null
fi

tools="$here/.tools"
if [[ ! -x "$tools/sharpfuzz" ]]; then
  echo "installing SharpFuzz.CommandLine 2.3.0 into $tools"
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
fi

work="$here/.work/$target"
rm -rf "$work"
mkdir -p "$work"
echo "publishing the fuzz project into $work/bin"
# One build at a time: runs started together share the project's obj/ folder.
flock "$here/.work/publish.lock" nice dotnet publish "$here/Parley.Media.Fuzz/Parley.Media.Fuzz.csproj" -c Release -o "$work/bin" -v quiet -nologo >/dev/null
echo "instrumenting $work/bin/Parley.Media.dll"
"$tools/sharpfuzz" "$work/bin/Parley.Media.dll" >/dev/null

# Not ours to set on a shared machine (core_pattern, CPU governor, CPU affinity): tell afl-fuzz to do without.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export DOTNET_TieredPGO=0
echo "afl-fuzz -V $seconds -i $corpus -o $work/findings -t 5000 -m none -- dotnet $work/bin/Parley.Media.Fuzz.dll $target"
nice -n 15 afl-fuzz -V "$seconds" -i "$corpus" -o "$work/findings" -t 5000 -m none \
  -- dotnet "$work/bin/Parley.Media.Fuzz.dll" "$target" >"$work/afl.log" 2>&1 || {
  echo "afl-fuzz failed; the end of its log:" >&2
  tail -n 30 "$work/afl.log" >&2
  exit 1
}

stats="$work/findings/default/fuzzer_stats"
echo "== $target: $seconds s"
grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|bitmap_cvg|edges_found|total_edges|saved_crashes|saved_hangs) ' "$stats"
crashes=$(find "$work/findings/default/crashes" -type f -name 'id:*' | wc -l)
hangs=$(find "$work/findings/default/hangs" -type f -name 'id:*' | wc -l)
echo "crash inputs: $crashes, hang inputs: $hangs (in $work/findings/default)"
echo "next: fuzz/minimize.sh $target (adds the minimized queue to fuzz/corpus/$target); crash inputs go to fuzz/regressions/$target/"
