using System.Globalization;
using Microsoft.Playwright;
using Serverless.Dashboard.Tests.Support;
using Serverless.Testing;
using static Microsoft.Playwright.Assertions;

namespace Serverless.Dashboard.Tests;

/// <summary>
/// The dashboard in a real browser (Debian's Chromium driven by Playwright) against the real Functions executable,
/// which runs real DAGs on the local Spark backend over Azurite.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DashboardTests(AzuriteFixture azurite, DashboardFixture dashboard) : IAsyncLifetime
{
    private const string Key = DashboardFixture.Key;
    private readonly List<string> outsideRequests = [];
    private readonly List<IBrowserContext> contexts = [];

    public Task InitializeAsync() => dashboard.StartAsync(azurite);

    public async Task DisposeAsync()
    {
        foreach (var context in this.contexts)
        {
            await context.DisposeAsync();
        }
    }

    [Fact]
    public async Task DagList_WithKey_ShowsEveryDagScheduleAndTriggerButton()
    {
        var page = await this.OpenAsync();

        var rows = page.Locator("#dag-rows tr");
        await Expect(rows).ToHaveCountAsync(6);
        var nightly = page.Locator("#dag-rows tr[data-dag='nightly-hello']");
        await Expect(nightly).ToContainTextAsync("0 2 * * *");

        // The next run is tomorrow at 02:00 UTC: the first fire time on or after the start date.
        var next = dashboard.NightlyFirstRun.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        await Expect(nightly).ToContainTextAsync(next);
        await Expect(page.Locator("#dag-rows tr[data-dag='departure-delays']")).ToContainTextAsync("flights");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Trigger departure-delays" })).ToBeVisibleAsync();
        await Expect(page.Locator("#legend li")).ToHaveCountAsync(8);

        // Keyboard: the first Tab stop is the skip link, and Enter on a DAG link opens its page.
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await page.EvaluateAsync<string>("document.activeElement.textContent"));
        await page.GetByRole(AriaRole.Link, new() { Name = "hello", Exact = true }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("h1")).ToContainTextAsync("DAG hello");
        await page.GoBackAsync();
        await Expect(page.Locator("#dag-rows tr")).ToHaveCountAsync(6);

        await Screenshot(page, "dag-list");
        Assert.Empty(this.outsideRequests);
    }

    [Fact]
    public async Task TriggerDepartureDelays_WithForm_SucceedsInGridGraphAndRunPageShowsOutputs()
    {
        var page = await this.OpenAsync("#/dags/departure-delays");
        await Expect(page.Locator("#dag-facts")).ToContainTextAsync("min_delay");

        await page.GetByRole(AriaRole.Button, new() { Name = "Trigger run…" }).ClickAsync();
        var minDelay = page.GetByLabel("min_delay");
        await Expect(minDelay).ToHaveValueAsync("150");
        await minDelay.FillAsync("120");
        await page.Locator("#trigger-submit").ClickAsync();
        var link = page.Locator("#triggered-run");
        await Expect(link).ToBeVisibleAsync();
        var runId = (await link.TextContentAsync())!.Trim();
        await page.Locator("#trigger-cancel").ClickAsync();

        // A marker on the window survives only if the page is updated in place, never reloaded.
        await page.EvaluateAsync("window.notReloaded = true");

        // Five tasks: load, three queries, summary. Both views turn green without reloading the page.
        var long_ = new LocatorAssertionsToHaveCountOptions { Timeout = 150_000 };
        await Expect(page.Locator($"#grid td[data-run='{runId}'] [data-state='success']")).ToHaveCountAsync(5, long_);
        await Expect(page.Locator("svg.graph g.node[data-state='success']")).ToHaveCountAsync(5, new() { Timeout = 10_000 });
        await Expect(page.Locator("svg.graph path.edge")).ToHaveCountAsync(6);
        Assert.Equal("2", await page.Locator("svg.graph g.node[data-task='summary']").GetAttributeAsync("data-depth"));
        await Expect(page.Locator("svg.graph g.node[data-task='load']")).ToHaveAttributeAsync("aria-label", "Task load: success");
        Assert.True(await page.EvaluateAsync<bool>("window.notReloaded === true"));
        await Screenshot(page, "dag-page");

        await page.Locator($"#grid th[data-run='{runId}'] a").ClickAsync();
        await Expect(page.Locator("#run-state [data-state]")).ToHaveTextAsync("success");
        await Expect(page.Locator("#run-facts")).ToContainTextAsync("min_delay = 120");
        await Expect(page.Locator("#task-rows tr")).ToHaveCountAsync(5);

        // The summary writes exactly one row (three counts in one SELECT); the manifest says so, with a size.
        var summary = page.Locator("#task-rows tr[data-task='summary']");
        await Expect(summary.Locator("li[data-output='summary']")).ToContainTextAsync("1 rows", new() { Timeout = 20_000 });
        await Expect(summary.Locator("li[data-output='summary']")).ToContainTextAsync($"{dashboard.DataContainer}/departure-delays/{runId}/summary");
        await Expect(summary.Locator("li[data-output='summary']")).ToContainTextAsync(" B in ");

        // flights-3m.parquet holds 3,000,000 flights; the load task copies them all.
        await Expect(page.Locator("#task-rows tr[data-task='load'] li[data-output='flights']")).ToContainTextAsync("3,000,000 rows");
        await Expect(page.Locator("svg.gantt g[data-task]")).ToHaveCountAsync(5);
        await Screenshot(page, "run-page");
        Assert.Empty(this.outsideRequests);
    }

    [Fact]
    public async Task TriggerBrokenDag_FailsWithError_RerunStartsNewRunOfIt()
    {
        var page = await this.OpenAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Trigger broken-query" }).ClickAsync();
        await page.Locator("#trigger-submit").ClickAsync();
        await page.Locator("#triggered-run").ClickAsync();

        var longWait = new LocatorAssertionsToHaveTextOptions { Timeout = 60_000 };
        await Expect(page.Locator("#run-state [data-state]")).ToHaveTextAsync("failed", longWait);
        var task = page.Locator("#task-rows tr[data-task='bad-select']");
        await Expect(task).ToHaveAttributeAsync("data-state", "failed");
        await Expect(task.Locator("td.error-text")).ToContainTextAsync("missing_table");

        // The task panel: the attempt's log with DuckDB's error line, and the SQL that ran.
        await page.GetByRole(AriaRole.Button, new() { Name = "Open task bad-select" }).ClickAsync();
        var panel = page.Locator("#task-panel");
        await Expect(panel.Locator("#task-log")).ToContainTextAsync("Table with name missing_table does not exist");
        await Expect(panel.Locator("#task-log")).ToContainTextAsync("finished Failed");
        await Expect(panel.Locator("#task-sql")).ToHaveTextAsync("SELECT * FROM missing_table");
        await Expect(panel.Locator("#task-attempt option")).ToHaveCountAsync(1);
        await Expect(panel.Locator("#task-panel-actions")).ToBeAttachedAsync();
        await Screenshot(page, "task-panel");
        await page.Locator("#task-panel-close").ClickAsync();
        await Expect(panel).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-action='terminate']")).ToBeDisabledAsync();
        await Screenshot(page, "run-page-failed");

        await page.GetByRole(AriaRole.Button, new() { Name = "Rerun failed tasks" }).ClickAsync();
        var rerun = page.Locator("#rerun-link");
        await Expect(rerun).ToBeVisibleAsync();
        var firstRunId = page.Url.Split("#/runs/")[1];
        Assert.NotEqual(firstRunId, (await rerun.TextContentAsync())!.Trim());
        await rerun.ClickAsync();

        // The rerun executes the failed task again; the table does not exist there either.
        await Expect(page.Locator("#run-facts")).ToContainTextAsync($"Rerun of{firstRunId}", new() { Timeout = 10_000 });
        await Expect(page.Locator("#run-state [data-state]")).ToHaveTextAsync("failed", longWait);
        await Expect(page.Locator("#task-rows tr[data-task='bad-select']")).ToHaveAttributeAsync("data-state", "failed");
        Assert.Empty(this.outsideRequests);
    }

    [Fact]
    public async Task WrongKey_IsRefused_ShowsUnauthorizedMessageAndAsksAgain()
    {
        var page = await this.NewPageAsync();
        await page.GotoAsync(dashboard.BaseAddress.ToString());
        await Expect(page.Locator("#key-dialog")).ToBeVisibleAsync();
        await page.Locator("#key-input").FillAsync("not-the-key");
        await page.Locator("#key-save").ClickAsync();

        await Expect(page.Locator("#key-message")).ToContainTextAsync("401 Unauthorized");
        await Expect(page.Locator("#key-dialog")).ToBeVisibleAsync();
        await Expect(page.Locator("#flash")).ToContainTextAsync("refused");
        await Screenshot(page, "wrong-key");

        await page.Locator("#key-input").FillAsync(Key);
        await page.Locator("#key-save").ClickAsync();
        await Expect(page.Locator("#dag-rows tr")).ToHaveCountAsync(6);

        // The key lives in session storage only, never in local storage or the address.
        Assert.Equal(Key, await page.EvaluateAsync<string>("sessionStorage.getItem('serverless.apiKey')"));
        Assert.Equal(0, await page.EvaluateAsync<int>("localStorage.length"));
        Assert.DoesNotContain(Key, page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PauseToggle_NewDagStartsPaused_UnpauseAndPauseAgainAreStored()
    {
        var page = await this.OpenAsync("#/dags/nightly-hello");
        var toggle = page.Locator("#pause-toggle");

        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "true");
        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "false");
        Assert.False(await this.PausedAsync("nightly-hello"));
        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.True(await this.PausedAsync("nightly-hello"));
        Assert.Empty(this.outsideRequests);
    }

    [Fact]
    public async Task RunsPage_FailedRun_MarkTaskSuccessThenClearIt()
    {
        using var api = new HttpClient { BaseAddress = dashboard.BaseAddress };
        api.DefaultRequestHeaders.Add("x-functions-key", Key);
        var trigger = await api.PostAsync("api/dags/broken-query/runs", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        var runId = System.Text.Json.Nodes.JsonNode.Parse(await trigger.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        await Poll.UntilAsync(async () => (await api.GetAsync($"api/runs/{runId}")).StatusCode == System.Net.HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the broken run to finish");

        var page = await this.OpenAsync("#/runs");
        var row = page.Locator($"#runs-rows tr[data-run='{runId}']");
        await Expect(row).ToContainTextAsync("broken-query");
        await Expect(row.Locator("[data-state]")).ToHaveTextAsync("failed");
        await Screenshot(page, "runs-page");
        await row.Locator("a.mono").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Open task bad-select" }).ClickAsync();
        await Expect(page.Locator("#task-panel-pool")).ToHaveTextAsync("Pool default_pool · priority 1");
        await page.Locator("#task-panel-actions").GetByRole(AriaRole.Button, new() { Name = "Mark success" }).ClickAsync();

        await Expect(page.Locator("#task-action-result")).ToHaveTextAsync("Task bad-select marked success.");
        await Expect(page.Locator("#task-panel-state [data-state]")).ToHaveTextAsync("success");
        var run = System.Text.Json.Nodes.JsonNode.Parse(await api.GetStringAsync($"api/runs/{runId}"))!;
        Assert.Equal("key:default", run["tasks"]![0]!["markedBy"]!.GetValue<string>());
        Assert.Equal(["trigger", "mark"], run["audit"]!.AsArray().Select(e => e!["action"]!.GetValue<string>()));

        await page.Locator("#task-panel-actions").GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync();
        await Expect(page.Locator("#clear-link")).ToHaveTextAsync($"{runId}-rerun-1");
        await Screenshot(page, "task-panel-actions");

        // The DAG's grid dates each run's column by its logical date (UTC month-day).
        var day = DateTimeOffset.Parse(run["logicalDate"]!.GetValue<string>(), CultureInfo.InvariantCulture).UtcDateTime.ToString("MM-dd", CultureInfo.InvariantCulture);
        await page.GotoAsync(dashboard.BaseAddress + "#/dags/broken-query");
        await Expect(page.Locator($"#grid th[data-run='{runId}'] .grid-date")).ToHaveTextAsync(day);
        Assert.Empty(this.outsideRequests);
    }

    [Fact]
    public async Task RunPage_MissedDeadlineAndDownEndpoint_ShowsMissedInListAndPageWithDeadLettersAndAudit()
    {
        using var api = new HttpClient { BaseAddress = dashboard.BaseAddress };
        api.DefaultRequestHeaders.Add("x-functions-key", Key);
        var trigger = await api.PostAsync("api/dags/late-alarm/runs", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        var runId = System.Text.Json.Nodes.JsonNode.Parse(await trigger.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        await Poll.UntilAsync(
            async () => System.Text.Json.Nodes.JsonNode.Parse(await api.GetStringAsync($"api/notifications/dead-letters?dag=late-alarm&run={runId}"))!["deadLetters"]!.AsArray().Count == 2,
            TimeSpan.FromSeconds(90),
            "the deadline_missed and run_failed notifications to be dead-lettered");

        var page = await this.OpenAsync("#/runs");
        var row = page.Locator($"#runs-rows tr[data-run='{runId}']");
        await Expect(row.Locator("[data-state]")).ToHaveTextAsync("failed");
        await Expect(row.Locator("[data-deadline-missed]")).ToHaveTextAsync("missed");
        await row.Locator("a.mono").ClickAsync();

        await Expect(page.Locator("#run-deadline [data-deadline-missed]")).ToHaveTextAsync("missed");
        await Expect(page.Locator("#dead-letters tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#dead-letters")).ToContainTextAsync("deadline_missed");
        await Expect(page.Locator("#dead-letters")).ToContainTextAsync("run_failed");
        await Expect(page.Locator("#dead-letters")).ToContainTextAsync("http://127.0.0.1:9");
        await Expect(page.Locator("#run-audit li").First).ToContainTextAsync("trigger by key:default");
        await Screenshot(page, "run-dead-letters");
        Assert.Empty(this.outsideRequests);
    }

    [Fact]
    public async Task PoolsPage_OneHolderOneWaiter_ShowsOccupancyThenTheReleaseLive()
    {
        // Holders as a run's attempts write them (the same class and holder text), against the host's Azurite.
        var slots = new Serverless.Pipelines.Slots.ConcurrencySlots(azurite.CreateAccount().Tables.GetTableClient("ConcurrencySlots"));
        var scope = "pool-" + dashboard.PoolName;
        var holder = new Serverless.Pipelines.Pools.PoolHolder("dash-run-1", "big-join", null, 1).ToString();
        var waiter = new Serverless.Pipelines.Pools.PoolHolder("dash-run-2", "report", 3, 2).ToString();
        Assert.NotNull(await slots.TryAcquireAsync(new(scope, 2, holder) { Waiter = new(1, DateTimeOffset.UtcNow) }, null));
        Assert.Null(await slots.TryAcquireAsync(new(scope, 2, waiter) { Count = 2, Waiter = new(7, DateTimeOffset.UtcNow) }, null));

        var page = await this.OpenAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Pools" }).ClickAsync();
        var row = page.Locator($"#pools-rows tr[data-pool='{dashboard.PoolName}']");
        await Expect(row.Locator(".slots")).ToHaveTextAsync("2");
        await Expect(row.Locator(".occupied")).ToContainTextAsync("1");
        await Expect(row.Locator(".queued")).ToHaveTextAsync("1");
        await Expect(row.Locator(".holders a")).ToHaveTextAsync("dash-run-1");
        await Expect(row.Locator(".holders")).ToContainTextAsync("big-join");
        await Expect(row.Locator(".waiters")).ToContainTextAsync("report[3]");
        await Expect(row.Locator(".waiters")).ToContainTextAsync("priority 7");
        await Expect(row).ToContainTextAsync("dashboard test pool");
        await Expect(page.Locator("#pools-rows tr[data-pool='default_pool'] .slots")).ToHaveTextAsync("unlimited");
        await Screenshot(page, "pools-page");

        // The page polls while a pool is busy: the release shows without a reload.
        Assert.Equal(1, await slots.ReleaseAsync(scope, holder));
        Assert.Equal(0, await slots.ReleaseAsync(scope, waiter));
        await Expect(row.Locator(".occupied")).ToHaveTextAsync("0");
        await Expect(row.Locator(".queued")).ToHaveTextAsync("0");
        await Expect(row.Locator(".holders")).ToHaveTextAsync("—");
        Assert.Empty(this.outsideRequests);
    }

    /// <summary>
    /// Samples every edge path of the graph in the page and returns the edges any of whose points fall inside a
    /// node other than its own two (inset by one pixel so a point on a border does not count).
    /// </summary>
    private const string EdgesThroughNodesScript = """
        (svg) => {
          const rects = [...svg.querySelectorAll('g.node')].map((g) => ({ id: g.dataset.task, b: g.querySelector('rect').getBBox() }));
          const bad = [];
          for (const path of svg.querySelectorAll('path.edge')) {
            const len = path.getTotalLength();
            for (let s = 0; s <= len; s += 2) {
              const p = path.getPointAtLength(s);
              const hit = rects.find((r) => r.id !== path.dataset.from && r.id !== path.dataset.to
                && p.x > r.b.x + 1 && p.x < r.b.x + r.b.width - 1 && p.y > r.b.y + 1 && p.y < r.b.y + r.b.height - 1);
              if (hit) { bad.push(`${path.dataset.from}->${path.dataset.to} behind ${hit.id}`); break; }
            }
          }
          return bad;
        }
        """;

    [Fact]
    public async Task Graph_EdgeSkippingAColumn_RoutesAroundUnrelatedNodes()
    {
        var page = await this.OpenAsync("#/dags/departure-delays");
        await Expect(page.Locator("svg.graph path.edge")).ToHaveCountAsync(6);
        Assert.Empty(await page.Locator("svg.graph").EvaluateAsync<string[]>(EdgesThroughNodesScript));

        // The weather sample's shape: avg-temp -> final-report skips the column holding wet-report, whose row it shares.
        var shape = """
            { id: 'weather', definition: { tasks: [
              { id: 'fetch', kind: 'sql' },
              { id: 'avg-temp', kind: 'sql', dependsOn: ['fetch'] },
              { id: 'wet-days', kind: 'sql', dependsOn: ['fetch'] },
              { id: 'wet-report', kind: 'sql', dependsOn: ['wet-days'] },
              { id: 'final-report', kind: 'sql', dependsOn: ['avg-temp', 'wet-report'] } ] } }
            """;
        await page.EvaluateAsync($"() => {{ const d = document.createElement('div'); d.id = 'edge-probe'; d.innerHTML = graphSvg({shape}, null); document.body.append(d); }}");
        var probe = page.Locator("#edge-probe svg.graph");
        await Expect(probe.Locator("path.edge")).ToHaveCountAsync(5);
        Assert.Equal("3", await probe.Locator("g.node[data-task='final-report']").GetAttributeAsync("data-depth"));
        Assert.Empty(await probe.EvaluateAsync<string[]>(EdgesThroughNodesScript));

        // Each edge still starts at its source's right border and ends next to its target's left border.
        var ends = await probe.EvaluateAsync<double[]>("""
            (svg) => [...svg.querySelectorAll('path.edge')].flatMap((p) => {
              const box = (id) => svg.querySelector(`g.node[data-task='${id}'] rect`).getBBox();
              const a = p.getPointAtLength(0); const b = p.getPointAtLength(p.getTotalLength());
              const f = box(p.dataset.from); const t = box(p.dataset.to);
              return [a.x - (f.x + f.width), a.y - (f.y + f.height / 2), t.x - b.x, b.y - (t.y + t.height / 2)];
            })
            """);
        Assert.All(ends.Chunk(4), e => Assert.Equal([0, 0, 6, 0], e.Select(v => Math.Round(v, 3)).ToArray()));
        Assert.Empty(this.outsideRequests);
    }

    [Fact]
    public async Task RunPage_ChainedTask_ShowsItsJobsDurationNeverZero()
    {
        using var api = new HttpClient { BaseAddress = dashboard.BaseAddress };
        api.DefaultRequestHeaders.Add("x-functions-key", Key);
        var trigger = await api.PostAsync("api/dags/chained-pair/runs", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        var runId = System.Text.Json.Nodes.JsonNode.Parse(await trigger.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        await Poll.UntilAsync(
            async () =>
            {
                using var response = await api.GetAsync($"api/runs/{runId}");
                return response.IsSuccessStatusCode && System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["state"]?.GetValue<string>() is "success" or "failed";
            },
            TimeSpan.FromSeconds(60),
            "the chained run to finish");

        var page = await this.OpenAsync($"#/runs/{runId}");
        await Expect(page.Locator("#task-rows tr")).ToHaveCountAsync(2);
        await AssertChainedDurationsAsync(page, runId);

        // second was submitted only once first's job had ended, so its start is not before first's end.
        var tasks = System.Text.Json.Nodes.JsonNode.Parse(await api.GetStringAsync($"api/runs/{runId}"))!["tasks"]!.AsArray();
        string At(string id, string field) => tasks.Single(t => t!["id"]!.GetValue<string>() == id)![field]!.GetValue<string>();
        Assert.True(DateTimeOffset.Parse(At("second", "startedAt"), CultureInfo.InvariantCulture) >= DateTimeOffset.Parse(At("first", "endedAt"), CultureInfo.InvariantCulture), tasks.ToJsonString());
        await Expect(page.Locator("svg.gantt g[data-task='second']")).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex(@"\(chained: submitted with its upstream\)$"));
        Assert.Empty(this.outsideRequests);
    }

    /// <summary>
    /// Fast-job chaining submits a downstream job from its upstream's activity; each such task shows
    /// its job's own duration (more than zero, within the run's), marked as chained, and a chained task with no
    /// recorded times shows a dash rather than zero.
    /// </summary>
    private async Task AssertChainedDurationsAsync(IPage page, string runId)
    {
        using var api = new HttpClient { BaseAddress = dashboard.BaseAddress };
        api.DefaultRequestHeaders.Add("x-functions-key", Key);
        var run = System.Text.Json.Nodes.JsonNode.Parse(await api.GetStringAsync($"api/runs/{runId}"))!;
        var runMs = (Time(run["endedAt"]) - Time(run["startedAt"])).TotalMilliseconds;
        var chained = run["tasks"]!.AsArray().Where(t => t!["chained"]?.GetValue<bool>() == true).ToList();
        Assert.True(chained.Count > 0, run.ToJsonString());
        foreach (var task in chained)
        {
            var id = task!["id"]!.GetValue<string>();
            var ms = (Time(task["endedAt"]) - Time(task["startedAt"])).TotalMilliseconds;
            Assert.InRange(ms, 0.5, runMs);
            var cell = page.Locator($"#task-rows tr[data-task='{id}'] td.duration [data-chained='true']");
            await Expect(cell).ToHaveAttributeAsync("title", "chained: submitted with its upstream");
            await Expect(cell).Not.ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^(0 ms|0\.0 s|0 s|—)$"));
        }

        var dash = await page.EvaluateAsync<string>("() => taskDurationCell({ chained: true, startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:00:00Z' })");
        Assert.Contains(">—</span>", dash, StringComparison.Ordinal);
        Assert.Contains("title=\"chained: submitted with its upstream\"", dash, StringComparison.Ordinal);
        static DateTimeOffset Time(System.Text.Json.Nodes.JsonNode? value) => DateTimeOffset.Parse(value!.GetValue<string>(), CultureInfo.InvariantCulture);
    }

    private async Task<bool> PausedAsync(string dagId)
    {
        using var api = new HttpClient { BaseAddress = dashboard.BaseAddress };
        api.DefaultRequestHeaders.Add("x-functions-key", Key);
        var dags = System.Text.Json.Nodes.JsonNode.Parse(await api.GetStringAsync("api/dags"))!["dags"]!.AsArray();
        return dags.Single(d => d!["id"]?.GetValue<string>() == dagId)!["paused"]!.GetValue<bool>();
    }

    private static async Task Screenshot(IPage page, string name)
    {
        Directory.CreateDirectory(RepositoryPaths.Screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepositoryPaths.Screenshots, name + ".png"), FullPage = true });
    }

    private async Task<IPage> NewPageAsync()
    {
        var context = await dashboard.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        this.contexts.Add(context);
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var origin = dashboard.BaseAddress.GetLeftPart(UriPartial.Authority);
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(origin, StringComparison.Ordinal) && !request.Url.StartsWith("blob:", StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                lock (this.outsideRequests)
                {
                    this.outsideRequests.Add(request.Url);
                }
            }
        };
        return page;
    }

    private async Task<IPage> OpenAsync(string hash = "#/")
    {
        var page = await this.NewPageAsync();
        await page.GotoAsync(dashboard.BaseAddress + hash);
        await page.Locator("#key-input").FillAsync(Key);
        await page.Locator("#key-save").ClickAsync();
        await Expect(page.Locator("#key-dialog")).ToBeHiddenAsync();
        return page;
    }
}
