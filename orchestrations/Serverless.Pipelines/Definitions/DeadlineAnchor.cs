namespace Serverless.Pipelines.Definitions;

/// <summary>What a <see cref="DagDeadline"/>'s duration counts from.</summary>
public enum DeadlineAnchor
{
    /// <summary>The moment the run started (its orchestration's first step).</summary>
    Start,

    /// <summary>The run's logical date.</summary>
    LogicalDate,

    /// <summary>The end of the run's data interval (for a scheduled run, when the scheduler could first start it).</summary>
    DataIntervalEnd,
}
