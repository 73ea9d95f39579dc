#!/usr/bin/env bash
# Lints infra-bicep/deploy.sh and the az, azd, curl and dotnet stand-ins its tests use with shellcheck, when
# shellcheck is installed (Serverless.Infra.Tests always checks the syntax with bash -n).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v shellcheck >/dev/null 2>&1; then
  echo "[infra] shellcheck not installed; skipped (apt-get install shellcheck to enable)" >&2
  exit 0
fi
shellcheck -x infra-bicep/deploy.sh tests/Serverless.Infra.Tests/FakeTools/*
echo "[infra] shellcheck: deploy.sh and test stand-ins clean" >&2
