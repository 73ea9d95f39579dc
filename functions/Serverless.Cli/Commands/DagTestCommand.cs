using System.CommandLine;
using Serverless.Cli.Scratch;

namespace Serverless.Cli.Commands;

/// <summary><c>dags test &lt;dagId&gt; [--date D] [--param k=v]...</c>: the whole DAG on a scratch host, as Airflow's <c>dags test</c>.</summary>
public static class DagTestCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="runner">Runs command bodies.</param>
    /// <returns>The command.</returns>
    public static Command Create(CommandRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var dagId = CommonOptions.Required("dagId", "The DAG to test.");
        var options = new TestRunOptions();
        var command = new Command(
            "test",
            "Run a whole DAG from its file with nothing running: a scratch host with storage of its own (Azurite, sample data) is started and stopped; prints each task's state, duration and rows, and the first rows of its outputs.")
        {
            dagId,
        };
        options.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var run = new ScratchRun(
                runner,
                async (_, ct) => new ScratchPlan(await ScratchDag.LoadAsync(ScratchDag.FindFolder(parse.GetValue(options.Dags), runner.Environment.Variables), parse.GetRequiredValue(dagId), ct).ConfigureAwait(false)),
                focusTask: null);
            return run.RunAsync(parse.GetValue(options.Json), options.Trigger(parse), parse.GetValue(options.Rows), cancellationToken);
        });
        return command;
    }
}
