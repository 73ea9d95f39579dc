#!/usr/bin/env bash
# Starts the local host in the foreground: the Functions app's routes, timers, orchestrators and activities on
# DurableTask.AzureStorage against Azurite (started from node_modules when storage is UseDevelopmentStorage=true and
# nothing listens on 10000-10002) or the account in AzureWebJobsStorage. Settings: ASPNETCORE_URLS (default
# http://127.0.0.1:7071), Serverless__ApiKey (generated into $TMPDIR/serverless-api-key when unset),
# AzureWebJobsStorage, Serverless__TaskHub, Serverless__Durable__* (see README). Builds only when no build exists;
# exec's the host so SIGTERM and Ctrl+C reach it.
set -euo pipefail
cd "$(dirname "$0")/.."
dll="functions/Serverless.LocalHost/bin/Release/net10.0/Serverless.LocalHost.dll"
if [[ ! -f "$dll" ]]; then
  scripts/ensure-npm.sh
  dotnet build functions/Serverless.LocalHost -c Release -nologo -clp:ErrorsOnly -v:q >&2
fi
exec dotnet "$dll" "$@"
