using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Functions.Tests.Support;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Api;

/// <summary>Task attempt logs of a real failing run, read through the API: what was run, what DuckDB said, one log per attempt, no secrets anywhere.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TaskLogTests(AzuriteFixture azurite) : IAsyncLifetime
{
    /// <summary>A Spark conf value under a key that names an account key: it must never be shown.</summary>
    private const string Secret = "Zm9vYmFy-s3cr3t-account-key-4711";

    private readonly DirectoryInfo dags = Directory.CreateTempSubdirectory("fn-logs-");
    private readonly ConcurrentQueue<string> hostLog = new();
    private readonly string container = AzuriteFixture.UniqueName("data");
    private TestHost host = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(this.dags.FullName, "bad-sql.yaml"), $"""
            id: bad-sql
            params:
              n:
                type: integer
                default: 1
            tasks:
              - id: broken
                kind: sql
                retries: 1
                retryDelay: 0s
                conf:
                  spark.hadoop.fs.azure.account.key.demo.blob.core.windows.net: "{Secret}"
                  spark.sql.shuffle.partitions: "4"
                sql: SELECT {"{{"} params.n {"}}"} * 2 AS doubled FROM missing_table
                outputs: [result]
            """);
        this.host = await TestHost.StartAsync(
            azurite,
            s => s.AddSingleton<ILoggerProvider>(new CapturedLogs(this.hostLog)),
            new Dictionary<string, string?>
            {
                ["Serverless:DagFolder"] = this.dags.FullName,
                ["Spark:DataContainer"] = this.container,
                ["Logging:LogLevel:Default"] = "Debug",
            });
    }

    public async Task DisposeAsync()
    {
        await this.host.DisposeAsync();
        this.dags.Delete(recursive: true);
    }

    [Fact]
    public async Task FailingTask_TwoAttempts_EachLogHasRenderedSqlDuckDbErrorAndAttemptAndNoSecret()
    {
        var trigger = await this.host.Client.PostAsync("/api/dags/bad-sql/runs", new StringContent("""{ "params": { "n": 21 } }""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, trigger.StatusCode);
        var runId = JsonNode.Parse(await trigger.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var run = await Poll.UntilAsync(
            async () => (await this.host.Client.GetAsync($"/api/runs/{runId}")).StatusCode,
            s => s != HttpStatusCode.Accepted,
            TimeSpan.FromSeconds(90),
            "the bad-sql run to finish");
        Assert.Equal(HttpStatusCode.OK, run);

        var logs = new List<string>();
        foreach (var attempt in new[] { 1, 2 })
        {
            var response = await this.host.Client.GetAsync($"/api/runs/{runId}/tasks/broken/logs?attempt={attempt}");
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"attempt {attempt}: {response.StatusCode} {text}");
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            logs.Add(text);

            // The template rendered with params.n = 21 (by hand: "{{ params.n }} * 2" becomes "21 * 2").
            Assert.Contains("SELECT 21 * 2 AS doubled FROM missing_table", text, StringComparison.Ordinal);
            Assert.Contains($"task broken attempt {attempt} of run {runId}", text, StringComparison.Ordinal);
            Assert.Contains("backend local", text, StringComparison.Ordinal);

            // DuckDB's own words, with the position of the error in the SQL.
            Assert.Contains("missing_table does not exist", text, StringComparison.Ordinal);
            Assert.Contains("LINE 1:", text, StringComparison.Ordinal);
            Assert.Contains("finished Failed", text, StringComparison.Ordinal);
            Assert.Contains("conf spark.sql.shuffle.partitions = 4", text, StringComparison.Ordinal);
            Assert.Contains("conf spark.hadoop.fs.azure.account.key.demo.blob.core.windows.net = ***", text, StringComparison.Ordinal);
        }

        // The orchestrator's decisions: a retry after attempt 1, no more after attempt 2.
        Assert.Contains("attempt 1 of 2 failed: ", logs[0], StringComparison.Ordinal);
        Assert.Contains("attempt 2 starts in 00:00:00", logs[0], StringComparison.Ordinal);
        Assert.Contains("attempt 2 failed and was the last of 2: the task failed: ", logs[1], StringComparison.Ordinal);

        // Each attempt its own log: attempt 2's job id (its own idempotency key) is not in attempt 1's log.
        Assert.Contains(":broken:x:2", logs[1], StringComparison.Ordinal);
        Assert.DoesNotContain(":broken:x:2", logs[0], StringComparison.Ordinal);
        Assert.Equal("2", (await this.host.Client.GetAsync($"/api/runs/{runId}/tasks/broken/logs")).Headers.GetValues("X-Log-Attempt").Single());

        // Tailing: a range from the middle returns the rest, with its place in the whole.
        var half = Encoding.UTF8.GetByteCount(logs[0]) / 2;
        var ranged = new HttpRequestMessage(HttpMethod.Get, $"/api/runs/{runId}/tasks/broken/logs?attempt=1");
        ranged.Headers.Range = new RangeHeaderValue(half, null);
        var part = await this.host.Client.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(Encoding.UTF8.GetBytes(logs[0])[half..], await part.Content.ReadAsByteArrayAsync());
        var offset = await this.host.Client.GetByteArrayAsync($"/api/runs/{runId}/tasks/broken/logs?attempt=1&offset={half}");
        Assert.Equal(Encoding.UTF8.GetBytes(logs[0])[half..], offset);

        // Unknown attempt, task and run: 404 problems; a bad id or number: 400.
        await AssertProblemAsync(this.host.Client.GetAsync($"/api/runs/{runId}/tasks/broken/logs?attempt=3"), HttpStatusCode.NotFound);
        await AssertProblemAsync(this.host.Client.GetAsync($"/api/runs/{runId}/tasks/nope/logs"), HttpStatusCode.NotFound);
        await AssertProblemAsync(this.host.Client.GetAsync("/api/runs/no-such-run/tasks/broken/logs"), HttpStatusCode.NotFound);
        await AssertProblemAsync(this.host.Client.GetAsync($"/api/runs/{runId}/tasks/Bad..Id/logs"), HttpStatusCode.BadRequest);
        await AssertProblemAsync(this.host.Client.GetAsync($"/api/runs/{runId}/tasks/broken/logs?attempt=0"), HttpStatusCode.BadRequest);
        await AssertProblemAsync(this.host.Client.GetAsync($"/api/runs/{runId}/tasks/broken/logs?offset=-1"), HttpStatusCode.BadRequest);

        // The secret: in no log blob of the run, not in the manifest, not in the host log.
        var blobs = azurite.CreateAccount().Blobs.GetBlobContainerClient(this.container);
        var texts = new List<string>();
        await foreach (var blob in blobs.GetBlobsAsync(BlobTraits.None, BlobStates.None, $"bad-sql/{runId}/", default))
        {
            texts.Add((await blobs.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString());
        }

        Assert.True(texts.Count >= 3, $"expected two logs and the manifest under the run folder, found {texts.Count} blobs");
        Assert.All(texts, t => Assert.DoesNotContain(Secret, t, StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("\"broken\"", StringComparison.Ordinal));
        Assert.NotEmpty(this.hostLog);
        Assert.DoesNotContain(this.hostLog, l => l.Contains(Secret, StringComparison.Ordinal));

        // Purge with data removes the logs with the run.
        Assert.Equal(HttpStatusCode.OK, (await this.host.Client.DeleteAsync($"/api/runs/{runId}?data=true")).StatusCode);
        var left = 0;
        await foreach (var blob in blobs.GetBlobsAsync(BlobTraits.None, BlobStates.None, $"bad-sql/{runId}/_logs/", default))
        {
            left++;
        }

        Assert.Equal(0, left);
    }

    private static async Task AssertProblemAsync(Task<HttpResponseMessage> request, HttpStatusCode expected)
    {
        var response = await request;
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Every host log line at every level, message and exception text, to grep for secrets.</summary>
    private sealed class CapturedLogs(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(lines, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> lines, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {exception}");
        }
    }
}
