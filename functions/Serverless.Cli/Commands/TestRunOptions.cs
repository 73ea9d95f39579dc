using System.CommandLine;
using System.Text.Json.Nodes;

namespace Serverless.Cli.Commands;

/// <summary>The options <c>dags test</c> and <c>tasks test</c> share: the run's date and params, the DAG folder, rows and <c>--json</c>.</summary>
public sealed class TestRunOptions
{
    /// <summary>Gets <c>--date</c>: the logical date.</summary>
    public Option<string?> Date { get; } = new("--date")
    {
        Description = "The run's logical date, ISO 8601 (2024-01-31 or 2024-01-31T06:00:00Z; default: now).",
        HelpName = "date",
    };

    /// <summary>Gets <c>--param</c>.</summary>
    public Option<string[]> Params { get; } = CommonOptions.Params();

    /// <summary>Gets <c>--dags</c>: the DAG folder.</summary>
    public Option<string?> Dags { get; } = new("--dags")
    {
        Description = $"The folder of DAG files (default: {Scratch.ScratchDag.DagFolderVariable}, else {Scratch.ScratchDag.SampleFolder} of the checkout).",
        HelpName = "folder",
    };

    /// <summary>Gets <c>--rows</c>.</summary>
    public Option<int> Rows { get; } = CommonOptions.Rows();

    /// <summary>Gets <c>--json</c>.</summary>
    public Option<bool> Json { get; } = CommonOptions.Json();

    /// <summary>Adds the options to a command.</summary>
    /// <param name="command">The command.</param>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(this.Date);
        command.Options.Add(this.Params);
        command.Options.Add(this.Dags);
        command.Options.Add(this.Rows);
        command.Options.Add(this.Json);
    }

    /// <summary>Builds the trigger body from the parsed options.</summary>
    /// <param name="parse">The parse result.</param>
    /// <returns>The body of <c>POST api/dags/{dagId}/runs</c>.</returns>
    public JsonObject Trigger(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var body = new JsonObject { ["params"] = RunParameters.Parse(parse.GetValue(this.Params) ?? []) };
        if (parse.GetValue(this.Date) is { Length: > 0 } date)
        {
            body["logicalDate"] = date;
        }

        return body;
    }
}
