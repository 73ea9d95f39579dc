namespace Serverless.Pipelines.Slots;

/// <summary>What a scope of <see cref="ConcurrencySlots"/> looks like at one read.</summary>
/// <param name="Holders">The held slots, by slot number.</param>
/// <param name="Waiters">The waiters, in the order they get slots (highest priority first, then the earliest).</param>
public sealed record SlotScopeState(IReadOnlyList<SlotHolding> Holders, IReadOnlyList<SlotWaiting> Waiters);
