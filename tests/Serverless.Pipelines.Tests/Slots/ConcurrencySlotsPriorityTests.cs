using Serverless.Pipelines.Slots;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Slots;

/// <summary>The waiting list of <see cref="ConcurrencySlots"/>: free slots go to live waiters by priority, then enqueue time, against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ConcurrencySlotsPriorityTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private ConcurrencySlots NewSlots(string table, TimeSpan? takeOverAfter = null) =>
        new(azurite.CreateAccount().Tables.GetTableClient(table), takeOverAfter);

    private static SlotRequest Ask(string holder, int priority, int minute, int count = 1, int limit = 1) =>
        new("pool-test", limit, holder) { Count = count, Waiter = new SlotWaiter(priority, T0.AddMinutes(minute)) };

    [Fact]
    public async Task TryAcquireAsync_HigherPriorityWaiting_LowerPriorityWaitsThoughASlotIsFree()
    {
        var slots = NewSlots(AzuriteFixture.UniqueName("slots"));
        Assert.Equal([0], await slots.TryAcquireAsync(Ask("a", 1, 0), null));
        Assert.Null(await slots.TryAcquireAsync(Ask("low", 1, 1), null));
        Assert.Null(await slots.TryAcquireAsync(Ask("high", 5, 2), null));

        Assert.Equal(1, await slots.ReleaseAsync("pool-test", "a"));

        // "low" asked first, but "high" outranks it and one slot is free: "low" must leave it.
        Assert.Null(await slots.TryAcquireAsync(Ask("low", 1, 1), null));
        Assert.Equal([0], await slots.TryAcquireAsync(Ask("high", 5, 2), null));
        Assert.Equal(1, await slots.ReleaseAsync("pool-test", "high"));
        Assert.Equal([0], await slots.TryAcquireAsync(Ask("low", 1, 1), null));
        Assert.Empty((await slots.ReadAsync("pool-test")).Waiters);
    }

    [Fact]
    public async Task TryAcquireAsync_TwoSlotsNeededOneFree_TakesNoneUntilBothAre()
    {
        var slots = NewSlots(AzuriteFixture.UniqueName("slots"));
        Assert.Equal([0, 1], await slots.TryAcquireAsync(Ask("wide", 1, 0, count: 2, limit: 3), null));
        Assert.Equal([0, 1], await slots.TryAcquireAsync(Ask("wide", 1, 0, count: 2, limit: 3), null));

        Assert.Null(await slots.TryAcquireAsync(Ask("other", 1, 1, count: 2, limit: 3), null));

        var state = await slots.ReadAsync("pool-test");
        Assert.Equal(["wide", "wide"], state.Holders.Select(h => h.Holder));
        Assert.Equal("other", Assert.Single(state.Waiters).Holder);
        Assert.Equal(2, state.Waiters[0].Count);
    }

    [Fact]
    public async Task ReadAsync_ThreeWaiters_ListedByPriorityThenEnqueueTime()
    {
        var slots = NewSlots(AzuriteFixture.UniqueName("slots"));
        Assert.Equal([0], await slots.TryAcquireAsync(Ask("holder", 1, 0), null));
        foreach (var (holder, priority, minute) in new[] { ("late-high", 10, 3), ("early-low", -2, 1), ("early-high", 10, 2) })
        {
            Assert.Null(await slots.TryAcquireAsync(Ask(holder, priority, minute), null));
        }

        var waiters = (await slots.ReadAsync("pool-test")).Waiters;

        Assert.Equal(["early-high", "late-high", "early-low"], waiters.Select(w => w.Holder));
        Assert.Equal([10, 10, -2], waiters.Select(w => w.Priority));
        Assert.Equal(T0.AddMinutes(2), waiters[0].Since);
    }

    [Fact]
    public async Task TryAcquireAsync_WaiterAheadHasEnded_IsDroppedAndDoesNotBlock()
    {
        var slots = NewSlots(AzuriteFixture.UniqueName("slots"), TimeSpan.Zero);
        Assert.Equal([0], await slots.TryAcquireAsync(Ask("holder", 1, 0), null));
        Assert.Null(await slots.TryAcquireAsync(Ask("gone", 9, 1), null));
        Assert.Equal(1, await slots.ReleaseAsync("pool-test", "holder"));

        var got = await slots.TryAcquireAsync(Ask("next", 1, 2), (holder, _) => Task.FromResult(holder != "gone"));

        Assert.Equal([0], got);
        Assert.Empty((await slots.ReadAsync("pool-test")).Waiters);
    }

    [Fact]
    public async Task TryAcquireAsync_RunSlotRequestBesideWaiters_IgnoresThem()
    {
        // Run slots ask without a place in line; waiter rows in the same partition are not slots.
        var slots = NewSlots(AzuriteFixture.UniqueName("slots"));
        Assert.Equal([0], await slots.TryAcquireAsync(Ask("holder", 1, 0, limit: 2), null));
        Assert.Equal([1], await slots.TryAcquireAsync(Ask("second", 1, 1, limit: 2), null));
        Assert.Null(await slots.TryAcquireAsync(Ask("waiting", 1, 2, limit: 2), null));
        Assert.Equal(1, await slots.ReleaseAsync("pool-test", "second"));

        Assert.Equal(1, await slots.TryAcquireAsync("pool-test", 2, "plain", null));
        Assert.Equal(2, (await slots.HoldersAsync("pool-test")).Count);
    }
}
