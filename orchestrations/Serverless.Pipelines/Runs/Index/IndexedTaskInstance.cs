namespace Serverless.Pipelines.Runs.Index;

/// <summary>A task instance with the run it belongs to, as task-instance lists return it.</summary>
/// <param name="RunId">The run id.</param>
/// <param name="DagId">The DAG id.</param>
/// <param name="LogicalDate">The run's logical date.</param>
/// <param name="RunState">The run's state.</param>
/// <param name="Task">The instance.</param>
public sealed record IndexedTaskInstance(string RunId, string DagId, DateTimeOffset LogicalDate, DagRunState RunState, RunIndexTask Task);
