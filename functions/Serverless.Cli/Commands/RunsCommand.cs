using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>runs list [--dag id] [--state s] [--limit n] [--json]</c>: runs across DAGs, newest logical date first.</summary>
public static class RunsCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="runner">Runs command bodies against a host.</param>
    /// <returns>The command.</returns>
    public static Command Create(CommandRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        return new Command("runs", "List runs across DAGs.") { List(runner) };
    }

    private static Command List(CommandRunner runner)
    {
        var dag = new Option<string>("--dag") { Description = "Only this DAG's runs.", HelpName = "id" };
        var state = new Option<string>("--state") { Description = "Only runs in this state.", HelpName = "queued|running|success|failed" };
        state.AcceptOnlyFromAmong("queued", "running", "success", "failed");
        var limit = new Option<int>("--limit") { Description = "How many runs at most (newest first).", HelpName = "n", DefaultValueFactory = _ => 25 };
        limit.Validators.Add(result =>
        {
            if (CommonOptions.AtLeast(result, 1) is { } error)
            {
                result.AddError(error);
            }
        });
        var json = CommonOptions.Json();
        var command = new Command("list", "List runs, newest logical date first: id, DAG, state, logical date, how it was started, a missed deadline.") { dag, state, limit, json };
        command.SetAction((parse, cancellationToken) => runner.RunAsync(parse, parse.GetValue(json), async (session, output, ct) =>
        {
            var wanted = parse.GetValue(limit);
            var query = new List<string>();
            if (parse.GetValue(dag) is { Length: > 0 } dagId)
            {
                query.Add("dag=" + Uri.EscapeDataString(dagId));
            }

            if (parse.GetValue(state) is { Length: > 0 } stateName)
            {
                query.Add("state=" + stateName);
            }

            // Pages of at most 1000 (the API's limit), following the continuation until the limit is reached.
            var runs = new JsonArray();
            string? continuation = null;
            do
            {
                var page = new List<string>(query) { $"pageSize={Math.Min(1000, wanted - runs.Count)}" };
                if (continuation is not null)
                {
                    page.Add("continuation=" + Uri.EscapeDataString(continuation));
                }

                var (_, body) = await session.Api.SendAsync(HttpMethod.Get, "api/runs?" + string.Join('&', page), cancellationToken: ct).ConfigureAwait(false);
                foreach (var run in body?["runs"] as JsonArray ?? [])
                {
                    runs.Add(run?.DeepClone());
                }

                continuation = body?["continuation"]?.ToString();
            }
            while (continuation is not null && runs.Count < wanted);

            if (output.Json)
            {
                output.WriteJson(new JsonObject { ["runs"] = runs });
                return ExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("run id", "dag", "state", "logical date", "triggered by", "deadline");
            foreach (var run in runs.OfType<JsonNode>())
            {
                table.AddRow(
                    Markup.Escape(run["runId"]?.ToString() ?? "?"),
                    Markup.Escape(run["dagId"]?.ToString() ?? string.Empty),
                    Markup.Escape(run["state"]?.ToString() ?? string.Empty),
                    Markup.Escape(run["logicalDate"]?.ToString() ?? string.Empty),
                    Markup.Escape(run["triggeredBy"]?.ToString() ?? string.Empty),
                    run["deadlineMissed"]?.GetValue<bool>() is true ? "[red]missed[/]" : string.Empty);
            }

            output.Console.Write(table);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
