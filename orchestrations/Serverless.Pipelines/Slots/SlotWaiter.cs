namespace Serverless.Pipelines.Slots;

/// <summary>A holder's place in a scope's waiting list: higher priority first, then the earlier enqueue time.</summary>
/// <param name="Priority">The priority; higher goes first.</param>
/// <param name="EnqueuedAt">When the holder started to wait. It must be the same on every request of one wait (a durable orchestration's clock), so a repeated request keeps its place.</param>
public sealed record SlotWaiter(int Priority, DateTimeOffset EnqueuedAt);
