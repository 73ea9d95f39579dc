using Serverless.Cli;

// The CLI: "Serverless.Cli <command> …"; see CliApplication for the commands and ExitCodes for what it returns.
return await CliApplication.RunProcessAsync(args).ConfigureAwait(false);
