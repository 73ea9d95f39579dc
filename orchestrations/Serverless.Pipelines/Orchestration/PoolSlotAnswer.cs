namespace Serverless.Pipelines.Orchestration;

/// <summary>The output of <see cref="AcquirePoolSlot"/>.</summary>
/// <param name="Acquired">Whether the attempt now holds its slots.</param>
/// <param name="Problem">Why the attempt can never get them here (a pool not configured, more slots than it has), or <see langword="null"/>.</param>
public sealed record PoolSlotAnswer(bool Acquired, string? Problem = null);
