#!/usr/bin/env bash
# The README's first command. Installs the npm packages (Azurite, sample data) if needed, builds, starts the
# local host on a free port (it starts an in-memory Azurite itself when nothing listens on the Azurite ports
# and uploads the sample data), triggers the departure-delays sample over the HTTP API, follows it, prints the first
# rows of every output and where they are, and stops everything. Exit code 0 when the run succeeded.
set -euo pipefail
cd "$(dirname "$0")"
root="$(pwd)"
out="$root/artifacts/run"
mkdir -p "$out"

scripts/ensure-npm.sh
echo "[build] dotnet build functions/Serverless.LocalHost and functions/Serverless.Cli (Release)" >&2
dotnet build functions/Serverless.LocalHost -c Release -nologo -clp:ErrorsOnly -v:q >&2
dotnet build functions/Serverless.Cli -c Release -nologo -clp:ErrorsOnly -v:q >&2
app="$root/functions/Serverless.LocalHost/bin/Release/net10.0/Serverless.LocalHost.dll"
cli="$root/functions/Serverless.Cli/bin/Release/net10.0/Serverless.Cli.dll"

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
key=$(node -e "console.log(require('crypto').randomBytes(24).toString('hex'))")
url="http://127.0.0.1:$port"

# Local settings for this run only; a local.settings.json in the repository root still applies beneath them.
export ASPNETCORE_URLS="$url"
export Serverless__ApiKey="$key"
export AzureWebJobsStorage="${AzureWebJobsStorage:-UseDevelopmentStorage=true}"
export Logging__LogLevel__Default=Warning

echo "[host] starting the local host on $url (log: artifacts/run/host.log)" >&2
dotnet "$app" >"$out/host.log" 2>&1 &
host_pid=$!
stop_host() {
  if kill -0 "$host_pid" 2>/dev/null; then
    kill -TERM "$host_pid" 2>/dev/null || true
    wait "$host_pid" 2>/dev/null || true
  fi
}
trap stop_host EXIT INT TERM

for _ in $(seq 1 240); do
  if curl -fsS "$url/api/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$host_pid" 2>/dev/null; then
    echo "[host] the host exited during start:" >&2; cat "$out/host.log" >&2; exit 1
  fi
  sleep 0.5
done
curl -fsS "$url/api/health" >/dev/null || { echo "[host] not healthy after 120 s" >&2; cat "$out/host.log" >&2; exit 1; }
echo "[host] healthy: $(curl -fsS "$url/api/health")" >&2

# The CLI previews outputs straight from storage: the emulator the host started, or the configured account.
emulator_file="${TMPDIR:-/tmp}/serverless-azurite-$host_pid"
if [[ -f "$emulator_file" ]]; then
  AzureWebJobsStorage="$(cat "$emulator_file")"
  export AzureWebJobsStorage
fi

echo "[run] POST $url/api/dags/departure-delays/runs" >&2
status=0
dotnet "$cli" run departure-delays --url "$url" --key "$key" --follow --rows 5 || status=$?
stop_host
trap - EXIT INT TERM
if [[ $status -ne 0 ]]; then
  echo "[run] the run did not succeed (exit $status); host log: artifacts/run/host.log" >&2
  tail -n 40 "$out/host.log" >&2 || true
fi
exit "$status"
