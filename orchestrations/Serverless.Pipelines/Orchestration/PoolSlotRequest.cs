namespace Serverless.Pipelines.Orchestration;

/// <summary>The input of <see cref="AcquirePoolSlot"/> and <see cref="ReleasePoolSlot"/>: one task attempt's claim on a pool.</summary>
/// <param name="Pool">The pool name.</param>
/// <param name="Slots">How many of its slots the attempt takes.</param>
/// <param name="Holder">The attempt (<see cref="Pools.PoolHolder"/>).</param>
/// <param name="Priority">The task's priority; higher takes a free slot first.</param>
/// <param name="EnqueuedAt">When the attempt started to wait (the orchestration's clock, the same on every ask).</param>
public sealed record PoolSlotRequest(string Pool, int Slots, string Holder, int Priority, DateTimeOffset EnqueuedAt);
