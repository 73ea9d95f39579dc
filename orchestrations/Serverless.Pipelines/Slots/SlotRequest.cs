namespace Serverless.Pipelines.Slots;

/// <summary>A request for slots of one scope of <see cref="ConcurrencySlots"/>.</summary>
/// <param name="Scope">The scope: a valid table partition key (no <c>/ \ # ?</c>, at most 512 characters).</param>
/// <param name="Limit">The number of slots the scope has.</param>
/// <param name="Holder">Who takes them; any text (a column value, not a key).</param>
public sealed record SlotRequest(string Scope, int Limit, string Holder)
{
    /// <summary>Gets how many slots the holder needs at once. The default is 1.</summary>
    public int Count { get; init; } = 1;

    /// <summary>
    /// Gets the holder's place in the scope's waiting list, or <see langword="null"/> to take any free slot at once
    /// (first come, first served). With a place, free slots go to live waiters in rank order.
    /// </summary>
    public SlotWaiter? Waiter { get; init; }
}
