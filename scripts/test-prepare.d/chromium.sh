#!/usr/bin/env bash
# The dashboard tests drive Debian's Chromium with Playwright (never Playwright's own browser download).
# Install it only when missing, so repeated runs cost nothing.
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then
  exit 0
fi
echo "[prepare] installing chromium for the dashboard browser tests" >&2
sudo_cmd=()
if [[ "$(id -u)" -ne 0 ]]; then
  sudo_cmd=(sudo)
fi
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
