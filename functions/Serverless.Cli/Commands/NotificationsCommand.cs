using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>notifications dead-letters --dag id [--run id] [--json]</c>: the notifications whose delivery gave up.</summary>
public static class NotificationsCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="runner">Runs command bodies against a host.</param>
    /// <returns>The command.</returns>
    public static Command Create(CommandRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        return new Command("notifications", "Notification deliveries.") { DeadLetters(runner) };
    }

    private static Command DeadLetters(CommandRunner runner)
    {
        var dag = new Option<string>("--dag") { Description = "The DAG whose dead letters to list.", HelpName = "id", Required = true };
        var run = new Option<string>("--run") { Description = "Only this run's.", HelpName = "id" };
        var json = CommonOptions.Json();
        var command = new Command("dead-letters", "List notifications whose delivery used up its attempts, newest first: event, run, task, target, attempts, last error.") { dag, run, json };
        command.SetAction((parse, cancellationToken) => runner.RunAsync(parse, parse.GetValue(json), async (session, output, ct) =>
        {
            var query = "dag=" + Uri.EscapeDataString(parse.GetRequiredValue(dag));
            if (parse.GetValue(run) is { Length: > 0 } runId)
            {
                query += "&run=" + Uri.EscapeDataString(runId);
            }

            var (_, body) = await session.Api.SendAsync(HttpMethod.Get, "api/notifications/dead-letters?" + query, cancellationToken: ct).ConfigureAwait(false);
            if (output.Json)
            {
                output.WriteJson(body);
                return ExitCodes.Success;
            }

            var letters = (body?["deadLetters"] as JsonArray ?? []).OfType<JsonNode>().ToList();
            if (letters.Count == 0)
            {
                output.Console.MarkupLine("No dead letters.");
                return ExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("at", "kind", "run id", "task", "target", "attempts", "last error");
            foreach (var letter in letters)
            {
                table.AddRow(
                    Markup.Escape(letter["deadLetteredAt"]?.ToString() ?? string.Empty),
                    Markup.Escape(letter["kind"]?.ToString() ?? string.Empty),
                    Markup.Escape(letter["runId"]?.ToString() ?? string.Empty),
                    Markup.Escape(letter["taskId"]?.ToString() ?? string.Empty),
                    Markup.Escape(letter["target"]?.ToString() ?? string.Empty),
                    letter["attempts"]?.ToString() ?? string.Empty,
                    Markup.Escape(letter["lastError"]?.ToString() ?? string.Empty));
            }

            output.Console.Write(table);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
