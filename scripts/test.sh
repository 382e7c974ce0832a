#!/usr/bin/env bash
# The whole test suite: installs what is missing, starts a throwaway PostgreSQL cluster and Redis, builds,
# runs the web client's unit tests and every .NET test project (the data tests on SQLite and on
# that PostgreSQL), stops the cluster, and ends with one "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash scripts/deps.sh
# shellcheck source=postgres.sh
source scripts/postgres.sh
# shellcheck source=redis.sh
source scripts/redis.sh
trap 'pg_stop; redis_stop' EXIT
pg_start
redis_start

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Parley.slnx -c Release -warnaserror

results=$(mktemp -d /tmp/parley-results.XXXXXX)
status=0

echo "== web client unit tests"
(cd web && npm test) 2>&1 | tee "$results/web.log" || status=1

for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  dotnet test "$project" -c Release --no-build --logger "trx;LogFileName=$name.trx" \
    --results-directory "$results" -- RunConfiguration.TreatNoTestsAsError=true || status=1
done

# One closing line over everything that ran: the node runner's summary and each TRX file's counters.
python3 - "$results" <<'PY'
import glob, re, sys, xml.etree.ElementTree as ET
passed = failed = 0
for trx in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(trx).getroot().find(".//{*}Counters")
    passed += int(c.get("passed")); failed += int(c.get("failed")) + int(c.get("error")) + int(c.get("timeout"))
web = open(sys.argv[1] + "/web.log").read()
m = re.search(r"^# pass (\d+)", web, re.M); passed += int(m.group(1)) if m else 0
m = re.search(r"^# fail (\d+)", web, re.M); failed += int(m.group(1)) if m else 1
print(f"{passed} passed, {failed} failed")
PY
rm -rf "$results"
exit $status
