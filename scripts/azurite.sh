#!/usr/bin/env bash
# Starts Azurite in memory on ports the OS picks (port 0), so it never collides with another Azurite.
# Usage: source scripts/azurite.sh; azurite_start <logfile>  -> sets AZURITE_PID and AZURITE_CONNECTION_STRING
#        azurite_stop
azurite_start() {
  local log="$1"
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  local workdir
  workdir="$(mktemp -d)"
  # The log exists before the background start opens it: under load the first read below can come first, and a read
  # of a missing file would end a caller running under `set -e -o pipefail`.
  : >"$log"
  (cd "$workdir" && exec node "$root/node_modules/azurite/dist/src/azurite.js" \
      --blobPort 0 --queuePort 0 --tablePort 0 --inMemoryPersistence \
      --skipApiVersionCheck --disableTelemetry --silent) >"$log" 2>&1 &
  AZURITE_PID=$!
  local blob="" queue="" table="" waited=0
  while [[ -z "$blob" || -z "$queue" || -z "$table" ]]; do
    if ! kill -0 "$AZURITE_PID" 2>/dev/null; then
      echo "Azurite exited early:" >&2; cat "$log" >&2; return 1
    fi
    if (( waited > 600 )); then
      echo "Azurite did not start within 60 s:" >&2; cat "$log" >&2; return 1
    fi
    blob=$(sed -n 's/.*Blob service is successfully listening at http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$log" | head -1 || true)
    queue=$(sed -n 's/.*Queue service is successfully listening at http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$log" | head -1 || true)
    table=$(sed -n 's/.*Table service is successfully listening at http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$log" | head -1 || true)
    sleep 0.1; waited=$((waited + 1))
  done
  local key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  AZURITE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
  export AZURITE_PID AZURITE_CONNECTION_STRING
  echo "[azurite] pid $AZURITE_PID, blob $blob, queue $queue, table $table" >&2
}

azurite_stop() {
  if [[ -n "${AZURITE_PID:-}" ]] && kill -0 "$AZURITE_PID" 2>/dev/null; then
    kill "$AZURITE_PID" 2>/dev/null || true
    wait "$AZURITE_PID" 2>/dev/null || true
  fi
  AZURITE_PID=""
}
