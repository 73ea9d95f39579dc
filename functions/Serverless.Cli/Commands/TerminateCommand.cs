using System.CommandLine;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>terminate &lt;runId&gt; [--reason text]</c>.</summary>
public static class TerminateCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="runner">Runs command bodies against a host.</param>
    /// <returns>The command.</returns>
    public static Command Create(CommandRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var runId = CommonOptions.Required("runId", "The run id.");
        var reason = new Option<string>("--reason")
        {
            Description = "Why, recorded on the run (at most 1000 characters).",
            HelpName = "text",
            DefaultValueFactory = _ => "terminated from the CLI",
        };
        var command = new Command("terminate", "Terminate a running run: its running tasks are cancelled and it ends failed.") { runId, reason };
        command.SetAction((parse, cancellationToken) => runner.RunAsync(parse, json: false, async (session, output, ct) =>
        {
            var id = parse.GetRequiredValue(runId);
            var text = parse.GetValue(reason) ?? string.Empty;
            await session.Api.SendAsync(HttpMethod.Post, $"api/runs/{Uri.EscapeDataString(id)}/terminate?reason={Uri.EscapeDataString(text)}", cancellationToken: ct).ConfigureAwait(false);
            output.Console.MarkupLineInterpolated($"Terminating {id}.");
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
