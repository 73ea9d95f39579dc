namespace Serverless.Pipelines.Slots;

/// <summary>One holder waiting for slots of a scope, as listed by <see cref="ConcurrencySlots.ReadAsync"/>.</summary>
/// <param name="Holder">Who waits.</param>
/// <param name="Count">How many slots it needs.</param>
/// <param name="Priority">Its priority.</param>
/// <param name="Since">When it started to wait.</param>
public sealed record SlotWaiting(string Holder, int Count, int Priority, DateTimeOffset Since);
