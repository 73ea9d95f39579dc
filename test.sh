#!/usr/bin/env bash
# The README's test command: installs what the tests need, builds, starts Azurite on free ports,
# runs every test, stops Azurite even on failure, and exits non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")"
root="$(pwd)"
results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"

scripts/ensure-npm.sh
for step in scripts/test-prepare.d/*.sh; do
  [[ -e "$step" ]] && bash "$step"
done

echo "[build] dotnet build (Release)" >&2
dotnet build Serverless.sln -c Release -nologo -clp:ErrorsOnly -warnaserror -warnnotaserror:NU1603

# shellcheck source=scripts/azurite.sh
source scripts/azurite.sh
trap azurite_stop EXIT INT TERM
azurite_start "$results/azurite.log"
export SERVERLESS_TEST_STORAGE="$AZURITE_CONNECTION_STRING"

status=0
dotnet test Serverless.sln -c Release --no-build -nologo \
  --logger "trx" --results-directory "$results" \
  --blame-hang-timeout 10m || status=$?

for step in scripts/test-extra.d/*.sh; do
  [[ -e "$step" ]] || continue
  echo "[extra] $step" >&2
  bash "$step" || status=$?
done

node scripts/summarize-trx.js "$results" || status=$?
exit "$status"
