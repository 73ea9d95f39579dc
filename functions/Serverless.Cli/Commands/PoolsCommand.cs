using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>pools list [--json]</c>: every pool's slots, occupancy and queue, and the task attempts holding its slots.</summary>
public static class PoolsCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="runner">Runs command bodies against a host.</param>
    /// <returns>The command.</returns>
    public static Command Create(CommandRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        return new Command("pools", "Show pools: slots shared by tasks across DAGs (Serverless__Pools__NAME__Slots).") { List(runner) };
    }

    private static Command List(CommandRunner runner)
    {
        var json = CommonOptions.Json();
        var command = new Command("list", "List the pools: name, slots, occupied, queued, description and the task attempts holding slots.") { json };
        command.SetAction((parse, cancellationToken) => runner.RunAsync(parse, parse.GetValue(json), async (session, output, ct) =>
        {
            var (_, body) = await session.Api.SendAsync(HttpMethod.Get, "api/pools", cancellationToken: ct).ConfigureAwait(false);
            var pools = body?["pools"] as JsonArray ?? [];
            if (output.Json)
            {
                output.WriteJson(new JsonObject { ["pools"] = pools.DeepClone() });
                return ExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("pool", "slots", "occupied", "queued", "held by", "description");
            foreach (var pool in pools.OfType<JsonNode>())
            {
                var holders = (pool["holders"] as JsonArray ?? []).OfType<JsonNode>()
                    .Select(h => string.Create(CultureInfo.InvariantCulture, $"{h["runId"]}/{h["taskId"]}{(h["mapIndex"] is { } i ? "[" + i + "]" : string.Empty)}"));
                table.AddRow(
                    Markup.Escape(pool["name"]?.ToString() ?? "?"),
                    Markup.Escape(pool["slots"]?.ToString() ?? "unlimited"),
                    Markup.Escape(pool["occupied"]?.ToString() ?? "0"),
                    Markup.Escape(pool["queued"]?.ToString() ?? "0"),
                    Markup.Escape(string.Join(", ", holders)),
                    Markup.Escape(pool["description"]?.ToString() ?? string.Empty));
            }

            output.Console.Write(table);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
