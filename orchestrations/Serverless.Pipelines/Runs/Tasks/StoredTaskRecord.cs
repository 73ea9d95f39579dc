namespace Serverless.Pipelines.Runs.Tasks;

/// <summary>One task instance's record as <see cref="RunTaskStore"/> keeps it: where it sorts, and the record as JSON.</summary>
/// <param name="Position">The task's position in the DAG's topological order (what the run's task list is sorted by).</param>
/// <param name="MapIndex">The map index of a mapped instance, or <see langword="null"/>.</param>
/// <param name="Json">The record, serialized by the run (the store does not read it).</param>
public sealed record StoredTaskRecord(int Position, int? MapIndex, string Json);
