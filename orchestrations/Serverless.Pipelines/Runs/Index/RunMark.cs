namespace Serverless.Pipelines.Runs.Index;

/// <summary>
/// An operator's mark: a task (all its map indexes) or the whole run set to success or failed. A running run gets it as
/// the run event <c>serverless.mark</c> and applies it itself; a finished orchestration's output
/// cannot change, so a mark on a finished run is kept beside it and applied wherever the run is read.
/// </summary>
/// <param name="TaskId">The task, or null for the whole run.</param>
/// <param name="State">Success or failed.</param>
/// <param name="By">Who marked it.</param>
/// <param name="At">When.</param>
public sealed record RunMark(string? TaskId, DagRunState State, string By, DateTimeOffset At);
