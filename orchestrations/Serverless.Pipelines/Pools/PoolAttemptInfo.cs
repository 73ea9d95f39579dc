namespace Serverless.Pipelines.Pools;

/// <summary>One task attempt that holds or waits for slots of a pool.</summary>
/// <param name="RunId">The run.</param>
/// <param name="TaskId">The task.</param>
/// <param name="MapIndex">The map index, or <see langword="null"/>.</param>
/// <param name="Attempt">The attempt, from 1.</param>
/// <param name="Slots">How many slots it holds or needs.</param>
/// <param name="Priority">Its priority (waiters only; <see langword="null"/> for holders).</param>
/// <param name="Since">When it took its slots, or started to wait.</param>
public sealed record PoolAttemptInfo(string RunId, string TaskId, int? MapIndex, int Attempt, int Slots, int? Priority, DateTimeOffset? Since);
