namespace Serverless.Pipelines.Runs.Index;

/// <summary>
/// How far the one-time backfill of the runs index from the task hub's instance query got: the query's continuation,
/// whether it reached the end, and how many instances it scanned and runs it added so far.
/// </summary>
/// <param name="Continuation">The instance query's continuation token, or null at the start.</param>
/// <param name="Done">True once every instance was scanned; the backfill does nothing after that.</param>
/// <param name="Scanned">The instances scanned so far.</param>
/// <param name="Recorded">The runs added to the index so far.</param>
public sealed record RunIndexBackfillCursor(string? Continuation, bool Done, int Scanned, int Recorded);
