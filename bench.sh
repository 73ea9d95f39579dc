#!/usr/bin/env bash
# Benchmarks as commands: ./bench.sh <scenario> prints one JSON object per line on stdout.
# Scenarios: engine, spark, dag, host (./bench.sh with no argument lists them).
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-npm.sh
dotnet build tests/Serverless.Benchmarks -c Release -nologo -clp:ErrorsOnly -v:q >&2
exec dotnet tests/Serverless.Benchmarks/bin/Release/net10.0/Serverless.Benchmarks.dll "$@"
