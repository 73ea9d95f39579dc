namespace Serverless.Pipelines.Service;

/// <summary>The storage resources the DAG layer keeps besides the task hub, named in one place.</summary>
public static class PipelineResourceNames
{
    /// <summary>The scheduler's table: the logical date of the latest scheduled run per DAG.</summary>
    public const string ScheduleTable = "DagSchedules";

    /// <summary>The per-DAG operator state: one row per DAG (partition key = DAG id) holding whether it is paused.</summary>
    public const string DagStateTable = "DagStates";

    /// <summary>
    /// The runs index: one row per run in partition <c>all</c> and one in <c>dag-{dagId}</c>, row keys newest first;
    /// plus each run's marks and audit trail in partition <c>run-{runId}</c>, and its task records in <c>tasks-{runId}</c>.
    /// </summary>
    public const string RunIndexTable = "DagRunIndex";

    /// <summary>Gets the runs index table of a task hub: <c>{hub}Runs</c>, next to the provider's <c>{hub}Instances</c>, so two apps on one account keep separate lists.</summary>
    /// <param name="taskHub">The task hub name (letters and digits).</param>
    /// <returns>The table name.</returns>
    public static string RunIndexTableOf(string taskHub) => taskHub + "Runs";

    /// <summary>The concurrency slots (<see cref="Slots.ConcurrencySlots"/>): a DAG's run slots in partition <c>runs-{dagId}</c> and a pool's task slots in <c>pool-{name}</c>, one row per held slot (and per waiting task attempt).</summary>
    public const string SlotTable = "ConcurrencySlots";
}
