using System.CommandLine;
using Serverless.Cli.Scratch;

namespace Serverless.Cli.Commands;

/// <summary><c>tasks test &lt;dagId&gt; &lt;taskId&gt; [--date D] [--param k=v]...</c>: one task on a scratch host, as Airflow's <c>tasks test</c>.</summary>
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
        var command = new Command(
            "test",
            "Run one task from its DAG file with nothing running: its upstream tasks run first, into scratch, on a scratch host with storage of its own (Azurite, sample data) that is started and stopped; prints the task's state, duration, rows and first rows.")
        {
            dagId,
            taskId,
        };
        options.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var task = parse.GetRequiredValue(taskId);
            var run = new ScratchRun(
                runner,
                async ct =>
                {
                    var folder = ScratchDag.FindFolder(parse.GetValue(options.Dags), runner.Environment.Variables);
                    var dag = await ScratchDag.LoadAsync(folder, parse.GetRequiredValue(dagId), ct).ConfigureAwait(false);
                    return ScratchDag.UpTo(dag, task);
                },
                task);
            return run.RunAsync(parse.GetValue(options.Json), options.Trigger(parse), parse.GetValue(options.Rows), cancellationToken);
        });
        return command;
    }
}
