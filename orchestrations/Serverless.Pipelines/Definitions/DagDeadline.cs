namespace Serverless.Pipelines.Definitions;

/// <summary>
/// A DAG's deadline (Airflow's SLA / deadline alerts): a run not finished <see cref="Duration"/> after
/// <see cref="After"/> raises one <c>deadline_missed</c> notification and is marked <c>deadlineMissed</c>.
/// </summary>
public sealed record DagDeadline
{
    /// <summary>Gets what the duration counts from. The default is <see cref="DeadlineAnchor.Start"/>.</summary>
    public DeadlineAnchor After { get; init; } = DeadlineAnchor.Start;

    /// <summary>Gets how long after <see cref="After"/> the run must have finished.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Gets where the missed-deadline notification goes; empty means the DAG's <see cref="DagDefinition.OnFailure"/> targets.</summary>
    public IReadOnlyList<NotificationTarget> Notify { get; init; } = [];
}
