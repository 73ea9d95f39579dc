using Serverless.Spark.Data;

namespace Serverless.Spark.Diagnostics;

/// <summary>
/// Names one task attempt, whose log the activities append to. The orchestrator passes it explicitly (activities
/// have no identity of their own that survives redelivery), and a handle carries it on to status polls.
/// </summary>
/// <param name="Container">The data container of the run.</param>
/// <param name="DagId">The DAG id.</param>
/// <param name="RunId">The run id.</param>
/// <param name="TaskId">The task id.</param>
/// <param name="MapIndex">The map index of a mapped task instance, or <see langword="null"/>.</param>
/// <param name="Attempt">The attempt number, from 1.</param>
public sealed record TaskAttemptLogTarget(string Container, string DagId, string RunId, string TaskId, int? MapIndex, int Attempt)
{
    /// <summary>Gets the W3C <c>traceparent</c> of the task attempt's span, when tracing is on.</summary>
    public string? TraceParent { get; init; }

    /// <summary>Returns the log blob (see <see cref="RunDataLayout.AttemptLog"/>). A method, not a property, so it stays out of the serialized input.</summary>
    /// <returns>The blob.</returns>
    public DataLocation ToLocation() => RunDataLayout.AttemptLog(this.Container, this.DagId, this.RunId, this.TaskId, this.MapIndex, this.Attempt);
}
