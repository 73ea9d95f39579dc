namespace Serverless.Pipelines.Orchestration;

/// <summary>Names of the events <see cref="DagRunOrchestrator"/> handles itself.</summary>
public static class DagRunEvents
{
    /// <summary>The prefix of every event name the run handles itself; events raised through the API may not use it.</summary>
    public const string ReservedPrefix = "serverless.";

    /// <summary>
    /// Asks a run to stop: it cancels the backend jobs of running task instances, marks them failed, skips tasks not
    /// started and ends failed. The payload is the reason (a string).
    /// </summary>
    public const string Cancel = "serverless.cancel";

    /// <summary>
    /// An operator's mark on a running run (<see cref="Runs.Index.RunMark"/>): a task or the whole run set to success or
    /// failed; the run applies it itself (see <c>DagRunExecution.Marks.cs</c>).
    /// </summary>
    public const string Mark = "serverless.mark";

    /// <summary>The prefix of <see cref="JobEnded"/>.</summary>
    public const string JobEndedPrefix = "serverless.job-ended:";

    /// <summary>
    /// Gets the name of the event that tells a run a job ended (raised by <see cref="JobEndWatch"/> when the backend
    /// can tell, see <see cref="Spark.Backends.ISparkJobCompletionSource"/>, or the host's job watcher saw it). The payload is the final
    /// <see cref="Spark.Jobs.SparkJobStatus"/>.
    /// </summary>
    /// <param name="idempotencyKey">The job's idempotency key (one per task instance and attempt).</param>
    /// <returns>The event name.</returns>
    public static string JobEnded(string idempotencyKey) => JobEndedPrefix + idempotencyKey;

    /// <summary>The prefix of <see cref="PoolSlotFreed"/>.</summary>
    public const string PoolSlotFreedPrefix = "serverless.pool-slot-freed:";

    /// <summary>
    /// Gets the name of the event that tells a task attempt waiting for pool slots that slots were given back
    /// (raised by <see cref="ReleasePoolSlot"/> when the host can), so it asks again before its timer fires. The
    /// payload is the holder that released them.
    /// </summary>
    /// <param name="holder">The waiting attempt (<see cref="Pools.PoolHolder"/>).</param>
    /// <returns>The event name.</returns>
    public static string PoolSlotFreed(string holder) => PoolSlotFreedPrefix + holder;
}
