using Serverless.Spark.Diagnostics;

namespace Serverless.Spark.Activities;

/// <summary>The input of <see cref="AppendTaskLog"/>.</summary>
/// <param name="Target">The task attempt.</param>
/// <param name="Lines">The lines (no secrets: the orchestrator writes its own decisions, never rendered specs).</param>
public sealed record AppendTaskLogInput(TaskAttemptLogTarget Target, IReadOnlyList<string> Lines);
