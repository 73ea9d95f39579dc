using System.Globalization;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Runs.Index;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Runs.Index;

/// <summary>The runs index against Azurite: newest-first paging per DAG and overall, filters, and a cursor that survives inserts.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RunIndexStoreTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Base = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Dags = ["alpha", "beta", "gamma"];

    [Fact]
    public async Task ListAsync_57RunsAcross3DagsWithInsertsWhilePaging_SeesEachExistingRunOnceNewestFirst()
    {
        var index = new RunIndexStore(azurite.CreateAccount(), AzuriteFixture.UniqueName("runs"));

        // 57 runs, 19 per DAG, with logical dates spread out of insertion order; two share a date (ties by run id).
        var existing = Enumerable.Range(0, 57).Select(i => Entry(Dags[i % 3], Base.AddHours(i == 56 ? 0 : (i * 37) % 101), i)).ToList();
        await Task.WhenAll(existing.Select(e => index.RecordAsync(e)));

        // The expected order, computed apart from the table: logical date descending, then run id ascending.
        var expected = existing.OrderByDescending(e => e.LogicalDate).ThenBy(e => e.RunId, StringComparer.Ordinal).Select(e => e.RunId).ToList();
        var later = new List<RunIndexEntry>();
        var seen = new List<RunIndexEntry>();
        var pageSizes = new List<int>();
        string? continuation = null;
        var page = 0;
        do
        {
            var result = await index.ListAsync(new RunIndexQuery(null, null, null, null, continuation, 10));
            seen.AddRange(result.Items);
            pageSizes.Add(result.Items.Count);
            continuation = result.Continuation;
            if (page++ < 3)
            {
                // Inserted while paging: newer than everything, older than everything, and between the pages.
                var batch = new[]
                {
                    Entry("alpha", Base.AddDays(10 + page), 100 + page),
                    Entry("beta", Base.AddDays(-10 - page), 200 + page),
                    Entry("gamma", result.Items[^1].LogicalDate.AddMinutes(-1), 300 + page),
                };
                later.AddRange(batch);
                await Task.WhenAll(batch.Select(e => index.RecordAsync(e)));
            }
        }
        while (continuation is not null);

        var seenIds = seen.Select(e => e.RunId).ToList();
        Assert.Equal(expected, seenIds.Where(expected.Contains));
        Assert.All(later, e => Assert.True(seenIds.Count(id => id == e.RunId) <= 1, e.RunId));
        Assert.Equal(seenIds.Count, seenIds.Distinct(StringComparer.Ordinal).Count());
        Assert.All(pageSizes.SkipLast(1), size => Assert.Equal(10, size));
        Assert.InRange(pageSizes[^1], 1, 10);
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.First.LogicalDate >= p.Second.LogicalDate), "newest first across pages");

        // Inserted behind the cursor, so they are found; those inserted ahead of it are not.
        Assert.Contains("beta__run-201", seenIds);
        Assert.DoesNotContain("alpha__run-102", seenIds);
    }

    [Fact]
    public async Task ListAsync_OneDagStateAndDateRange_ReturnsExactlyTheMatchingRunsInFullPages()
    {
        var index = new RunIndexStore(azurite.CreateAccount(), AzuriteFixture.UniqueName("runs"));
        var runs = Enumerable.Range(0, 30).Select(i => Entry(Dags[i % 3], Base.AddHours(i), i) with { State = i % 4 == 0 ? DagRunState.Failed : DagRunState.Success }).ToList();
        await Task.WhenAll(runs.Select(e => index.RecordAsync(e)));
        var from = Base.AddHours(5);
        var to = Base.AddHours(25);

        var all = await PageThroughAsync(index, new RunIndexQuery("beta", DagRunState.Failed, null, null, null, 1));
        var ranged = await PageThroughAsync(index, new RunIndexQuery(null, null, from, to, null, 4));

        Assert.Equal(runs.Where(r => r.DagId == "beta" && r.State == DagRunState.Failed).OrderByDescending(r => r.LogicalDate).Select(r => r.RunId), all.Select(r => r.RunId));
        Assert.Equal(runs.Where(r => r.LogicalDate >= from && r.LogicalDate < to).OrderByDescending(r => r.LogicalDate).Select(r => r.RunId), ranged.Select(r => r.RunId));
    }

    [Fact]
    public async Task RecordAsync_AfterStartRow_KeepsTriggeredByAndAddIfAbsentNeverGoesBack()
    {
        var index = new RunIndexStore(azurite.CreateAccount(), AzuriteFixture.UniqueName("runs"));
        var start = Entry("alpha", Base, 1) with { State = DagRunState.Queued, TriggeredBy = DagRunTriggeredBy.Backfill, Tasks = null };
        await index.AddIfAbsentAsync(start);

        await index.RecordAsync(start with { State = DagRunState.Success, TriggeredBy = null, Tasks = [new RunIndexTask("work", null, TaskInstanceState.Success, 1, Base, Base.AddSeconds(3))] });
        await index.AddIfAbsentAsync(start);

        var stored = await index.GetAsync("alpha", Base, start.RunId);
        Assert.Equal(DagRunState.Success, stored!.State);
        Assert.Equal(DagRunTriggeredBy.Backfill, stored.TriggeredBy);
        Assert.Equal(TaskInstanceState.Success, Assert.Single(stored.Tasks!).State);
    }

    [Fact]
    public async Task ListTaskInstancesAsync_PagesEndingInsideARun_ReturnEveryMatchingInstanceOnce()
    {
        var index = new RunIndexStore(azurite.CreateAccount(), AzuriteFixture.UniqueName("runs"));
        var runs = Enumerable.Range(0, 4).Select(i => Entry("alpha", Base.AddDays(i), i) with
        {
            Tasks = [.. Enumerable.Range(0, 5).Select(t => new RunIndexTask($"t{t}", null, t == 2 ? TaskInstanceState.Failed : TaskInstanceState.Success, 1, null, null))],
        }).ToList();
        await Task.WhenAll(runs.Select(e => index.RecordAsync(e)));

        var items = new List<IndexedTaskInstance>();
        var sizes = new List<int>();
        string? continuation = null;
        do
        {
            var page = await index.ListTaskInstancesAsync(new TaskInstanceQuery("alpha", null, null, null, null, continuation, 3));
            items.AddRange(page.Items);
            sizes.Add(page.Items.Count);
            continuation = page.Continuation;
        }
        while (continuation is not null);
        var failed = await index.ListTaskInstancesAsync(new TaskInstanceQuery(null, null, TaskInstanceState.Failed, null, null, null, 10));

        var expected = runs.OrderByDescending(r => r.LogicalDate).SelectMany(r => Enumerable.Range(0, 5).Select(t => $"{r.RunId}/t{t}"));
        Assert.Equal(expected, items.Select(i => $"{i.RunId}/{i.Task.Id}"));
        Assert.All(sizes.SkipLast(1), s => Assert.Equal(3, s));
        Assert.Equal(runs.OrderByDescending(r => r.LogicalDate).Select(r => r.RunId), failed.Items.Select(i => i.RunId));
        Assert.Null(failed.Continuation);
    }

    [Theory]
    [InlineData("not base64 !")]
    [InlineData("MHxub3Qta2V5")] // "0|not-key": no tick prefix
    public async Task ListAsync_ForeignContinuation_IsRefused(string token)
    {
        var index = new RunIndexStore(azurite.CreateAccount(), AzuriteFixture.UniqueName("runs"));

        await Assert.ThrowsAsync<ArgumentException>(() => index.ListAsync(new RunIndexQuery(null, null, null, null, token, 5)));
    }

    [Fact]
    public async Task Reads_TableLostAfterFirstUse_EmptyPagesThenWritesAndListsAgain()
    {
        var account = azurite.CreateAccount();
        var name = AzuriteFixture.UniqueName("runs");
        var index = new RunIndexStore(account, name);
        await index.RecordAsync(Entry("alpha", Base, 1));

        // Storage reset under a running host: the table this instance made is gone.
        await account.Tables.DeleteTableAsync(name);

        Assert.Empty((await index.ListAsync(new RunIndexQuery(null, null, null, null, null, 10))).Items);
        Assert.Empty((await index.ListTaskInstancesAsync(new TaskInstanceQuery(null, null, null, null, null, null, 10))).Items);
        await account.Tables.DeleteTableAsync(name);
        await index.DeleteAsync("alpha", Base, "alpha__run-1");
        await index.RecordAsync(Entry("beta", Base, 2));
        Assert.Equal(["beta__run-2"], (await index.ListAsync(new RunIndexQuery(null, null, null, null, null, 10))).Items.Select(e => e.RunId));
    }

    private static RunIndexEntry Entry(string dag, DateTimeOffset logicalDate, int n) => new()
    {
        RunId = string.Create(CultureInfo.InvariantCulture, $"{dag}__run-{n}"),
        DagId = dag,
        LogicalDate = logicalDate,
        State = DagRunState.Success,
        Tasks = [new RunIndexTask("work", null, TaskInstanceState.Success, 1, logicalDate, logicalDate.AddSeconds(2))],
    };

    private static async Task<List<RunIndexEntry>> PageThroughAsync(RunIndexStore index, RunIndexQuery query)
    {
        var all = new List<RunIndexEntry>();
        var continuation = query.Continuation;
        do
        {
            var page = await index.ListAsync(query with { Continuation = continuation });
            if (page.Continuation is not null)
            {
                Assert.Equal(query.PageSize, page.Items.Count);
            }

            all.AddRange(page.Items);
            continuation = page.Continuation;
        }
        while (continuation is not null);
        return all;
    }
}
