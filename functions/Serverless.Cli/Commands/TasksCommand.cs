using System.CommandLine;
using Serverless.Cli.Scratch;

namespace Serverless.Cli.Commands;

/// <summary><c>tasks test &lt;dagId&gt; &lt;taskId&gt; [--run runId] [--date D] [--param k=v]...</c>: one task on a scratch host, as Airflow's <c>tasks test</c>.</summary>
public static class TasksCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="runner">Runs command bodies.</param>
    /// <returns>The command.</returns>
    public static Command Create(CommandRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        return new Command("tasks", "Test single tasks.")
        {
            Test(runner),
        };
    }

    private static Command Test(CommandRunner runner)
    {
        var dagId = CommonOptions.Required("dagId", "The DAG.");
        var taskId = CommonOptions.Required("taskId", "The task to test.");
        var options = new TestRunOptions();
        var earlierRun = new Option<string?>("--run")
        {
            Description = $"Take the upstream outputs from this successful run of the host at --url (or {HostOptions.UrlVariable}); with a host and no --run, from the DAG's latest successful run there. Without a host the upstream tasks run first.",
            HelpName = "runId",
        };
        var command = new Command(
            "test",
            "Run one task from its DAG file on a scratch host: its upstream outputs from the latest successful run of the host at --url (or --run), else its upstream tasks run first, into scratch; that host has storage of its own (Azurite, sample data) and is started and stopped; prints the task's state, duration, rows and first rows.")
        {
            dagId,
            taskId,
            earlierRun,
        };
        options.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var task = parse.GetRequiredValue(taskId);
            var run = new ScratchRun(
                runner,
                async (output, ct) =>
                {
                    var folder = ScratchDag.FindFolder(parse.GetValue(options.Dags), runner.Environment.Variables);
                    var dag = await ScratchDag.LoadAsync(folder, parse.GetRequiredValue(dagId), ct).ConfigureAwait(false);
                    var upTo = ScratchDag.UpTo(dag, task);
                    var earlier = await EarlierRunInputs.FindAsync(runner, parse, parse.GetValue(earlierRun), upTo, task, output, ct).ConfigureAwait(false);
                    return earlier is null ? new ScratchPlan(upTo) : new ScratchPlan(earlier.Dag, earlier.CopyAsync);
                },
                task);
            return run.RunAsync(parse.GetValue(options.Json), options.Trigger(parse), parse.GetValue(options.Rows), cancellationToken);
        });
        return command;
    }
}
