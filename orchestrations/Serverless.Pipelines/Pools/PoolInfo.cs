namespace Serverless.Pipelines.Pools;

/// <summary>One pool as <see cref="PoolOccupancy"/> reads it: its size, what holds its slots and what waits for them.</summary>
/// <param name="Name">The pool name.</param>
/// <param name="Slots">The slot count, or <see langword="null"/> for an unlimited pool (default_pool without a size).</param>
/// <param name="Occupied">The slots held.</param>
/// <param name="Queued">The task attempts waiting for slots.</param>
/// <param name="Description">What the pool is for, or <see langword="null"/>.</param>
/// <param name="Holders">The attempts holding slots, earliest first.</param>
/// <param name="Waiters">The attempts waiting, in the order they get slots.</param>
public sealed record PoolInfo(string Name, int? Slots, int Occupied, int Queued, string? Description, IReadOnlyList<PoolAttemptInfo> Holders, IReadOnlyList<PoolAttemptInfo> Waiters);
