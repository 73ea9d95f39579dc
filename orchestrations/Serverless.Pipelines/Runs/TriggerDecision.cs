namespace Serverless.Pipelines.Runs;

/// <summary>What a task's trigger rule says to do, given its upstream states.</summary>
public enum TriggerDecision
{
    /// <summary>Not decided yet: wait for more upstreams to finish.</summary>
    Wait,

    /// <summary>Run the task.</summary>
    Run,

    /// <summary>Mark the task skipped without running it.</summary>
    Skip,

    /// <summary>Mark the task upstream_failed without running it.</summary>
    UpstreamFailed,
}
