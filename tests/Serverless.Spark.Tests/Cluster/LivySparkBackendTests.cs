using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Serverless.Spark.Backends.Livy;
using Serverless.Spark.Hosting;
using Serverless.Spark.Http;
using Serverless.Spark.Jobs;
using Serverless.Spark.Tests.Support;
using Serverless.Storage.Connection;
using Serverless.Testing;

namespace Serverless.Spark.Tests.Cluster;

[Collection(AzuriteCollection.Name)]
public sealed class LivySparkBackendTests : IAsyncLifetime
{
    private const string Password = "s3cret-Livy-pw";
    private readonly StorageAccount account;
    private readonly FakeLivy livy = new();
    private FakeClusterServer server = null!;
    private LivySparkBackend backend = null!;

    public LivySparkBackendTests(AzuriteFixture azurite) => this.account = azurite.CreateAccount();

    private static string BasicAuth => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + Password));

    public async Task InitializeAsync()
    {
        this.server = await FakeClusterServer.StartAsync(this.livy.Handle);
        this.backend = this.CreateBackend();
    }

    public async Task DisposeAsync() => await this.server.DisposeAsync();

    [Fact]
    public async Task StartJobAsync_SqlJob_PostsTheRunnerWithTheSpecAndExactHeaders()
    {
        string key = AzuriteFixture.UniqueName("k");
        SparkJobSpec spec = SqlSpec() with { Resources = new SparkJobResources { DriverMemory = "2g", Executors = 3 }, Conf = new Dictionary<string, string> { ["spark.sql.shuffle.partitions"] = "4" } };

        SparkJobHandle handle = await this.backend.StartJobAsync(spec, key);

        RecordedRequest post = Assert.Single(this.server.Matching("POST", "/batches"));
        JsonObject body = post.Json;
        Assert.Equal(BasicAuth, post.Headers["Authorization"]);
        Assert.Equal("serverless", post.Headers["X-Requested-By"]);
        Assert.Equal(LivyBatchProtocol.BatchName(spec, key), body["name"]!.ToString());
        Assert.Matches(@"^abfss://spark-scripts@devstoreaccount1\.dfs\.core\.windows\.net/runner/sql_runner-[0-9a-f]{12}\.py$", body["file"]!.ToString());
        string specUri = Assert.Single(body["args"]!.AsArray())!.ToString();
        Assert.Equal($"abfss://spark-scripts@devstoreaccount1.dfs.core.windows.net/jobs/{SparkIdempotencyKey.Hash(key)}/spec.json", specUri);
        Assert.Equal("2g", body["driverMemory"]!.ToString());
        Assert.Equal(3, body["numExecutors"]!.GetValue<int>());
        Assert.Equal("4", body["conf"]!["spark.sql.shuffle.partitions"]!.ToString());
        Assert.Equal("livy", handle.Backend);
        Assert.Equal("101", handle.JobId);

        // The spec the runner reads is next to the job, with locations rewritten for the cluster.
        var blobs = this.account.Blobs.GetBlobContainerClient(SparkResourceNames.ScriptsContainer);
        SparkJobSpec uploaded = SparkJobSpec.FromJson((await blobs.GetBlobClient($"jobs/{SparkIdempotencyKey.Hash(key)}/spec.json").DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal("abfss://data@devstoreaccount1.dfs.core.windows.net/in/flights.parquet", uploaded.Inputs[0].Location);
        Assert.Equal("abfss://data@devstoreaccount1.dfs.core.windows.net/out/x/", uploaded.Outputs[0].Location);
        Assert.True(await blobs.GetBlobClient(body["file"]!.ToString().Split(".net/")[1]).ExistsAsync());
    }

    [Fact]
    public async Task GetStatusAsync_FullSequence_MapsEveryLivyStateUntilSuccess()
    {
        this.livy.States = ["starting", "recovering", "idle", "running", "busy", "shutting_down", "success"];
        SparkJobHandle handle = await this.backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));

        var states = new List<SparkJobState>();
        for (int i = 0; i < 7; i++)
        {
            states.Add((await this.backend.GetStatusAsync(handle)).State);
        }

        Assert.Equal(
            [SparkJobState.Pending, SparkJobState.Pending, SparkJobState.Running, SparkJobState.Running, SparkJobState.Running, SparkJobState.Running, SparkJobState.Succeeded],
            states);
        Assert.All(this.server.Matching("GET", "/batches/"), r => Assert.Equal($"/batches/{handle.JobId}", r.Path));
    }

    [Theory]
    [InlineData("dead", SparkJobState.Failed)]
    [InlineData("error", SparkJobState.Failed)]
    [InlineData("killed", SparkJobState.Cancelled)]
    public async Task GetStatusAsync_TerminalFailureState_IsMapped(string livyState, SparkJobState expected)
    {
        this.livy.States = ["running", livyState];
        SparkJobHandle handle = await this.backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));

        await this.backend.GetStatusAsync(handle);
        SparkJobStatus status = await this.backend.GetStatusAsync(handle);

        Assert.Equal(expected, status.State);
        Assert.Contains($"state {livyState}", status.LogTail);
    }

    [Fact]
    public async Task CancelJobAsync_RunningBatch_DeletesItAndStaysCancelled()
    {
        this.livy.States = ["running"];
        SparkJobHandle handle = await this.backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));

        SparkJobStatus cancelled = await this.backend.CancelJobAsync(handle);
        SparkJobStatus later = await this.backend.GetStatusAsync(handle);

        RecordedRequest delete = Assert.Single(this.server.Matching("DELETE", "/batches/"));
        Assert.Equal($"/batches/{handle.JobId}", delete.Path);
        Assert.Equal("serverless", delete.Headers["X-Requested-By"]);
        Assert.Equal(SparkJobState.Cancelled, cancelled.State);
        Assert.Equal(SparkJobState.Cancelled, later.State);
    }

    [Fact]
    public async Task GetStatusAsync_BatchLivyForgot_ReportsLost()
    {
        SparkJobHandle handle = await this.backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));
        this.livy.Forget(int.Parse(handle.JobId, System.Globalization.CultureInfo.InvariantCulture));

        SparkJobStatus status = await this.backend.GetStatusAsync(handle);

        Assert.Equal(SparkJobState.Lost, status.State);
    }

    [Fact]
    public async Task StartJobAsync_SameKeyTwice_PostsOnce()
    {
        string key = AzuriteFixture.UniqueName("k");

        SparkJobHandle first = await this.backend.StartJobAsync(SqlSpec(), key);
        SparkJobHandle second = await this.CreateBackend().StartJobAsync(SqlSpec(), key);

        Assert.Equal(first, second);
        Assert.Single(this.server.Matching("POST", "/batches"));
        Assert.Equal(1, this.livy.Created);
    }

    [Fact]
    public async Task GetStatusAsync_429WithRetryAfter_WaitsAsToldAndRetries()
    {
        SparkJobHandle handle = await this.backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));
        this.server.Faults.Enqueue(("GET", "/batches/", new FakeResponse(429, new JsonObject { ["msg"] = "throttled" }, new Dictionary<string, string> { ["Retry-After"] = "1" })));

        var clock = Stopwatch.StartNew();
        SparkJobStatus status = await this.backend.GetStatusAsync(handle);

        IReadOnlyList<RecordedRequest> gets = this.server.Matching("GET", "/batches/");
        Assert.Equal(2, gets.Count);
        Assert.True(gets[1].At - gets[0].At >= TimeSpan.FromMilliseconds(900), $"retried after {(gets[1].At - gets[0].At).TotalMilliseconds} ms");
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900));
        Assert.Equal(SparkJobState.Pending, status.State);
    }

    [Fact]
    public async Task StartJobAsync_429OnSubmit_IsRetriedAndCreatesOneBatch()
    {
        this.server.Faults.Enqueue(("POST", "/batches", new FakeResponse(429, null, new Dictionary<string, string> { ["Retry-After"] = "0" })));

        SparkJobHandle handle = await this.backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));

        Assert.Equal(2, this.server.Matching("POST", "/batches").Count);
        Assert.Equal(1, this.livy.Created);
        Assert.Equal("101", handle.JobId);
    }

    [Fact]
    public async Task GetStatusAsync_503Once_IsRetried()
    {
        SparkJobHandle handle = await this.backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));
        this.server.Faults.Enqueue(("GET", "/batches/", new FakeResponse(503)));

        SparkJobStatus status = await this.backend.GetStatusAsync(handle);

        Assert.Equal(2, this.server.Matching("GET", "/batches/").Count);
        Assert.Equal(SparkJobState.Pending, status.State);
    }

    [Fact]
    public async Task StartJobAsync_500OnSubmit_IsNotRetriedAndTheNextSubmitChecksBeforePostingAgain()
    {
        string key = AzuriteFixture.UniqueName("k");
        this.server.Faults.Enqueue(("POST", "/batches", new FakeResponse(500, new JsonObject { ["msg"] = "boom" })));

        var error = await Assert.ThrowsAsync<SparkBackendException>(() => this.backend.StartJobAsync(SqlSpec(), key));
        SparkJobHandle handle = await this.backend.StartJobAsync(SqlSpec(), key);

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, error.Status);
        Assert.Equal(["POST /batches", "GET /batches?from=0&size=200", "POST /batches"], this.server.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        Assert.Equal(1, this.livy.Created);
        Assert.Equal("101", handle.JobId);
    }

    [Fact]
    public async Task StartJobAsync_CrashAfterLivyCreatedTheBatch_RecoversTheBatchByNameWithoutASecondPost()
    {
        string key = AzuriteFixture.UniqueName("k");

        // Livy creates the batch but the answer never arrives (the process dies or the connection drops).
        var created = new TaskCompletionSource();
        var hanging = await FakeClusterServer.StartAsync(r =>
        {
            if (r.Method == "POST")
            {
                this.livy.Handle(r);
                created.TrySetResult();
                return new FakeResponse(201) { Delay = TimeSpan.FromSeconds(30) };
            }

            return this.livy.Handle(r);
        });
        await using (hanging)
        {
            LivySparkBackend crashing = this.CreateBackend(hanging.BaseUri);
            await Assert.ThrowsAnyAsync<Exception>(() => crashing.StartJobAsync(SqlSpec(), key));
            await created.Task;

            SparkJobHandle recovered = await this.CreateBackend(hanging.BaseUri).StartJobAsync(SqlSpec(), key);

            Assert.Single(hanging.Matching("POST", "/batches"));
            Assert.Single(hanging.Requests, r => r.Method == "GET" && r.Query.StartsWith("?from=0", StringComparison.Ordinal));
            Assert.Equal("101", recovered.JobId);
            Assert.Equal(1, this.livy.Created);
        }
    }

    [Fact]
    public async Task Secrets_ServerEchoesCredentials_NeverAppearInStatusExceptionOrRecord()
    {
        string key = AzuriteFixture.UniqueName("k");
        this.server.Faults.Enqueue(("POST", "/batches", new FakeResponse(400, new JsonObject { ["msg"] = $"bad request from {BasicAuth} password={Password}" })));
        var error = await Assert.ThrowsAsync<SparkBackendException>(() => this.backend.StartJobAsync(SqlSpec(), key));
        this.livy.Extra = _ => new JsonObject { ["log"] = new JsonArray($"using password {Password}") };
        SparkJobHandle handle = await this.backend.StartJobAsync(SqlSpec(), key);
        SparkJobStatus status = await this.backend.GetStatusAsync(handle);

        TableEntity record = (await this.account.Tables.GetTableClient(SparkResourceNames.JobsTable).GetEntityAsync<TableEntity>("livy", key)).Value;
        string everything = string.Join("\n", [error.Message, error.ToString(), status.Message, .. status.LogTail, .. record.Select(p => p.Value?.ToString())]);

        Assert.Contains("***", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(BasicAuth["Basic ".Length..], everything, StringComparison.Ordinal);
    }

    private static SparkJobSpec SqlSpec() => new("flights-report", SparkJobKind.Sql)
    {
        Inputs = [new SparkJobInput("flights", "data/in/flights.parquet", SparkDataFormat.Parquet)],
        Sql = "SELECT * FROM flights WHERE distance < 200",
        Outputs = [new SparkJobOutput("x", "data/out/x", SparkDataFormat.Parquet)],
    };

    private LivySparkBackend CreateBackend(Uri? endpoint = null) => new(
        SparkHttp.Create(SparkHttpClientNames.Livy),
        this.account,
        new LivySparkOptions { Endpoint = endpoint ?? this.server.BaseUri, UserName = "admin", Password = Password },
        new SparkOptions().ClusterPathTemplate);
}
