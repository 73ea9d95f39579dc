namespace Serverless.Pipelines.Slots;

/// <summary>One held slot of a scope.</summary>
/// <param name="Slot">The slot number.</param>
/// <param name="Holder">Who holds it.</param>
/// <param name="Since">When it was taken.</param>
public sealed record SlotHolding(int Slot, string Holder, DateTimeOffset? Since);
