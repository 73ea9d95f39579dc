using Serverless.Functions.Cli;
using Serverless.Functions.Hosting;

// One executable: "Serverless.Functions <command> …" is the CLI; anything else runs the server (custom handler or standalone).
return CliApp.IsCommand(args)
    ? await CliApp.RunAsync(args).ConfigureAwait(false)
    : await HostCommand.RunAsync(args).ConfigureAwait(false);
