using System.Globalization;
using Microsoft.Playwright;
using Serverless.Testing;

namespace Serverless.Dashboard.Tests.Support;

/// <summary>
/// One real Functions host (started on first use against the collection's Azurite) and one headless Chromium, shared
/// by the dashboard tests: starting them is most of a test's cost, and each test still gets a fresh browser context.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    /// <summary>The API key the host is configured with.</summary>
    public const string Key = "dashboard-test-key-42";

    private const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly Lock startLock = new();
    private Task? starting;
    private readonly DirectoryInfo dags = Directory.CreateTempSubdirectory("dash-dags-");
    private LocalHostProcess? host;
    private Uri? baseAddress;
    private IPlaywright? playwright;
    private IBrowser? browser;

    /// <summary>Gets the data container the host's runs write to.</summary>
    public string DataContainer { get; } = AzuriteFixture.UniqueName("dashdata");

    /// <summary>Gets the pool the host is configured with (2 slots), unique to this fixture since the slot table is account-wide.</summary>
    public string PoolName { get; } = AzuriteFixture.UniqueName("dashpool");

    /// <summary>Gets the host's base address.</summary>
    public Uri BaseAddress => this.baseAddress ?? throw new InvalidOperationException("Call StartAsync first.");

    /// <summary>Gets the browser.</summary>
    public IBrowser Browser => this.browser ?? throw new InvalidOperationException("Call StartAsync first.");

    /// <summary>Gets the first fire time of the scheduled test DAG (tomorrow 02:00 UTC when the host started).</summary>
    public DateTime NightlyFirstRun { get; private set; }

    /// <inheritdoc/>
    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Starts the host and the browser once.</summary>
    /// <param name="azurite">The collection's Azurite.</param>
    /// <returns>A task.</returns>
    public Task StartAsync(AzuriteFixture azurite)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        lock (this.startLock)
        {
            return this.starting ??= this.StartCoreAsync(azurite);
        }
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (this.browser is not null)
        {
            await this.browser.DisposeAsync();
        }

        this.playwright?.Dispose();
        if (this.host is not null)
        {
            await this.host.DisposeAsync();
        }

        this.dags.Delete(recursive: true);
    }

    private async Task StartCoreAsync(AzuriteFixture azurite)
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: scripts/test-prepare.d/chromium.sh installs it.");
        await this.WriteDagsAsync();
        this.baseAddress = new Uri($"http://127.0.0.1:{LocalHostProcess.FreePort()}/");
        this.host = await LocalHostProcess.StartAsync(
            RepositoryPaths.LocalHostDll,
            this.baseAddress,
            new Dictionary<string, string>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["Serverless__ApiKey"] = Key,
                ["Serverless__TaskHub"] = AzuriteFixture.UniqueName("dash"),
                ["Serverless__DagFolder"] = this.dags.FullName,
                ["Serverless__Durable__MaxQueuePollingInterval"] = "00:00:00.200",
                ["Serverless__Durable__PartitionCount"] = "1",
                ["Spark__DataContainer"] = this.DataContainer,
                [$"Serverless__Pools__{this.PoolName}__Slots"] = "2",
                [$"Serverless__Pools__{this.PoolName}__Description"] = "dashboard test pool",

                // A pushed job end skips the submit activity's short wait, so a quick job is still running when the
                // activity returns and nothing chains after it; polled, chained-pair's second task chains.
                ["Serverless__PushJobCompletion"] = "false",

                // late-alarm's endpoint is down: two quick attempts, then a dead letter.
                ["Serverless__NotificationDelivery__MaxAttempts"] = "2",
                ["Serverless__NotificationDelivery__FirstRetryInterval"] = "00:00:01",
                ["Serverless__NotificationDelivery__BackoffCoefficient"] = "1",
                ["Serverless__NotificationDelivery__RequestTimeout"] = "00:00:05",
            },
            this.dags.FullName);
        this.playwright = await Playwright.CreateAsync();
        this.browser = await this.playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    private async Task WriteDagsAsync()
    {
        var samples = Path.Combine(RepositoryPaths.Root, "orchestrations", "dags");
        foreach (var name in new[] { "departure-delays.yaml", "hello.yaml" })
        {
            File.Copy(Path.Combine(samples, name), Path.Combine(this.dags.FullName, name));
        }

        // A query on a table that does not exist fails at once, with no retry, so the failure path is quick.
        await File.WriteAllTextAsync(
            Path.Combine(this.dags.FullName, "broken-query.yaml"),
            "id: broken-query\ndescription: Selects from a table that does not exist.\ntags: [test]\ntasks:\n  - id: bad-select\n    kind: sql\n    retries: 0\n    sql: SELECT * FROM missing_table\n    outputs: [result]\n");

        // Two quick queries in a row: the second is submitted by the first's activity (fast-job chaining).
        await File.WriteAllTextAsync(
            Path.Combine(this.dags.FullName, "chained-pair.yaml"),
            "id: chained-pair\ndescription: A query and one that reads it.\ntags: [test]\ntasks:\n  - id: first\n    kind: sql\n    sql: SELECT 1 AS one\n    outputs: [result]\n  - id: second\n    kind: sql\n    inputs:\n      - name: r\n        from: first.result\n    sql: SELECT one + 1 AS two FROM r\n    outputs: [result]\n");

        // Waits past its 1 s deadline for an event that never comes, then fails; its alarm endpoint refuses connections.
        await File.WriteAllTextAsync(
            Path.Combine(this.dags.FullName, "late-alarm.yaml"),
            "id: late-alarm\ndescription: Misses its deadline; its alarm endpoint is down.\ntags: [test]\ndeadline: { after: start, duration: 1s }\nonFailure: ['http://127.0.0.1:9/alarm']\ntasks:\n  - id: wait\n    kind: sensor\n    sensor: { type: external_event, eventName: never, timeout: 3s }\n");

        // Scheduled, but starting tomorrow: the list shows a next run time and the scheduler starts nothing.
        var tomorrow = DateTime.UtcNow.Date.AddDays(1);
        this.NightlyFirstRun = tomorrow.AddHours(2);
        await File.WriteAllTextAsync(
            Path.Combine(this.dags.FullName, "nightly-hello.yaml"),
            $"id: nightly-hello\ndescription: 13 squared, every night.\nschedule: '0 2 * * *'\nstartDate: {tomorrow.ToString("yyyy-MM-dd'T'00:00:00'Z'", CultureInfo.InvariantCulture)}\ntags: [sample, scheduled]\ntasks:\n  - id: square\n    kind: sql\n    sql: SELECT 13 * 13 AS squared\n    outputs: [result]\n");
    }
}
