#!/usr/bin/env bash
# The Spark tests byte-compile the PySpark runner with python3 (no Spark needed). Install it only when missing.
set -euo pipefail
if command -v python3 >/dev/null 2>&1; then
  exit 0
fi
echo "[prepare] installing python3 for the Spark runner script test" >&2
if [[ "$(id -u)" -eq 0 ]]; then
  apt-get update -qq && apt-get install -y -qq python3 >/dev/null
else
  sudo apt-get update -qq && sudo apt-get install -y -qq python3 >/dev/null
fi
