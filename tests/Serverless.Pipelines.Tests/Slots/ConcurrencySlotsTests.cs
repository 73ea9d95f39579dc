using Serverless.Pipelines.Slots;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Slots;

/// <summary>The table-backed counting semaphore, against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ConcurrencySlotsTests(AzuriteFixture azurite)
{
    private ConcurrencySlots NewSlots(string? table = null, TimeSpan? takeOverAfter = null) =>
        new(azurite.CreateAccount().Tables.GetTableClient(table ?? AzuriteFixture.UniqueName("slots")), takeOverAfter);

    [Fact]
    public async Task TryAcquireAsync_TwentyRacingHolders_ExactlyLimitGetASlot()
    {
        // Two instances on one table, as two hosts would have, racing for three slots.
        var table = AzuriteFixture.UniqueName("slots");
        var slots = NewSlots(table);
        var other = NewSlots(table);
        await slots.HoldersAsync("scope");
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? slots : other).TryAcquireAsync("scope", 3, $"run{i}", null)));

        Assert.Equal(3, results.Count(r => r is not null));
        Assert.Equal([0, 1, 2], results.OfType<int>().Order());
        Assert.Equal(3, (await slots.HoldersAsync("scope")).Count);
    }

    [Fact]
    public async Task TryAcquireAsync_SameHolderTwice_GetsTheSameSlot()
    {
        var slots = NewSlots();

        var first = await slots.TryAcquireAsync("scope", 2, "run-a", null);
        var again = await slots.TryAcquireAsync("scope", 2, "run-a", null);

        Assert.Equal(0, first);
        Assert.Equal(first, again);
        Assert.Single(await slots.HoldersAsync("scope"));
    }

    [Fact]
    public async Task ReleaseAsync_HeldSlot_FreesItForTheNextHolder()
    {
        var slots = NewSlots();
        Assert.Equal(0, await slots.TryAcquireAsync("scope", 1, "run-a", null));
        Assert.Null(await slots.TryAcquireAsync("scope", 1, "run-b", null));

        Assert.Equal(1, await slots.ReleaseAsync("scope", "run-a"));
        Assert.Equal(0, await slots.ReleaseAsync("scope", "run-a"));

        Assert.Equal(0, await slots.TryAcquireAsync("scope", 1, "run-b", null));
        Assert.Equal("run-b", (await slots.HoldersAsync("scope"))[0]);
    }

    [Fact]
    public async Task TryAcquireAsync_HolderEnded_TakesItsSlotOver()
    {
        var table = AzuriteFixture.UniqueName("slots");
        var slots = NewSlots(table, TimeSpan.Zero);
        Assert.Equal(0, await slots.TryAcquireAsync("scope", 1, "dead", null));
        Assert.Null(await NewSlots(table).TryAcquireAsync("scope", 1, "other", (_, _) => throw new InvalidOperationException("a fresh slot's holder is not asked")));

        var alive = await slots.TryAcquireAsync("scope", 1, "run-b", (holder, _) => Task.FromResult(holder != "dead"));

        Assert.Equal(0, alive);
        Assert.Equal("run-b", (await slots.HoldersAsync("scope"))[0]);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a#b")]
    [InlineData("")]
    public async Task TryAcquireAsync_InvalidScope_Throws(string scope)
    {
        var slots = NewSlots();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => slots.TryAcquireAsync(scope, 1, "run", null));
    }
}
