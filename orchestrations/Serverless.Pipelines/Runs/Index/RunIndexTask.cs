namespace Serverless.Pipelines.Runs.Index;

/// <summary>One task instance in the runs index.</summary>
/// <param name="Id">The task id.</param>
/// <param name="MapIndex">The map index of a mapped instance, or null.</param>
/// <param name="State">The state.</param>
/// <param name="Attempts">The attempts started.</param>
/// <param name="StartedAt">When the first attempt started.</param>
/// <param name="EndedAt">When it reached a final state.</param>
/// <param name="Reused">Whether a rerun reused it from the earlier run.</param>
public sealed record RunIndexTask(string Id, int? MapIndex, TaskInstanceState State, int Attempts, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, bool Reused = false);
