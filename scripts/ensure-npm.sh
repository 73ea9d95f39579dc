#!/usr/bin/env bash
# Installs the pinned npm packages (Azurite, sample data) with `npm ci`, unless node_modules was
# already installed from this exact package-lock.json (its hash is kept in node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.serverless-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -f node_modules/azurite/dist/src/azurite.js ]]; then
  exit 0
fi
echo "[npm] installing pinned packages (npm ci)..." >&2
npm ci --no-audit --no-fund --loglevel=error >&2
echo "$want" > "$stamp"
