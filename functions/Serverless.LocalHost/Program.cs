using Serverless.LocalHost;

// The local host: `scripts/local-host.sh` (or `dotnet Serverless.LocalHost.dll`). Starts Azurite when storage is
// UseDevelopmentStorage=true and nothing listens on its ports, generates an API key when none is set, and serves the
// Functions app's routes until SIGTERM or Ctrl+C.
return await LocalHostCommand.RunAsync(args).ConfigureAwait(false);
