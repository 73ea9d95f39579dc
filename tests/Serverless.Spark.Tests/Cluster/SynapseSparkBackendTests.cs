using System.Text.Json.Nodes;
using Serverless.Spark.Backends.Livy;
using Serverless.Spark.Hosting;
using Serverless.Spark.Http;
using Serverless.Spark.Jobs;
using Serverless.Spark.Tests.Support;
using Serverless.Spark.Tests.Support.Fakes;
using Serverless.Storage.Connection;
using Serverless.Testing;

namespace Serverless.Spark.Tests.Cluster;

[Collection(AzuriteCollection.Name)]
public sealed class SynapseSparkBackendTests : IAsyncLifetime
{
    private const string BatchesPath = "/livyApi/versions/2019-11-01-preview/sparkPools/pool1/batches";
    private readonly StorageAccount account;
    private readonly FakeSynapse synapse = new(BatchesPath);
    private readonly FakeTokenCredential credential = new("entra-token-123");
    private FakeClusterServer server = null!;
    private SynapseSparkBackend backend = null!;

    public SynapseSparkBackendTests(AzuriteFixture azurite) => this.account = azurite.CreateAccount();

    public async Task InitializeAsync()
    {
        this.server = await FakeClusterServer.StartAsync(this.synapse.Handle);
        this.backend = this.CreateBackend();
    }

    public async Task DisposeAsync() => await this.server.DisposeAsync();

    [Fact]
    public async Task StartJobAsync_NoResources_PostsNameFileAndTagsButNoSizesSoThePoolDefaultsApply()
    {
        string key = AzuriteFixture.UniqueName("k");

        SparkJobHandle handle = await this.backend.StartJobAsync(Spec(), key);

        RecordedRequest post = Assert.Single(this.server.Matching("POST", BatchesPath));
        Assert.Equal("?detailed=true", post.Query);
        Assert.Equal("Bearer entra-token-123", post.Headers["Authorization"]);
        Assert.Equal(["https://dev.azuresynapse.net/.default"], this.credential.Scopes.Distinct());
        JsonObject body = post.Json;
        Assert.Equal(LivyBatchProtocol.BatchName(Spec(), key), body["name"]!.ToString());
        Assert.Equal("abfss://data@devstoreaccount1.dfs.core.windows.net/jobs/etl.py", body["file"]!.ToString());
        Assert.Equal(["--day", "1"], body["args"]!.AsArray().Select(a => a!.ToString()));
        Assert.Equal(key, body["tags"]!["serverless-idempotency-key"]!.ToString());
        foreach (string size in (string[])["driverMemory", "driverCores", "executorMemory", "executorCores", "numExecutors"])
        {
            Assert.False(body.ContainsKey(size), $"{size} was sent");
        }

        Assert.Equal("synapse", handle.Backend);
    }

    [Fact]
    public async Task StartJobAsync_WithResources_SendsExactlyTheSizesAskedFor()
    {
        SparkJobSpec spec = Spec() with { Resources = new SparkJobResources { ExecutorMemory = "28g", Executors = 4 } };

        await this.backend.StartJobAsync(spec, AzuriteFixture.UniqueName("k"));

        JsonObject body = Assert.Single(this.server.Matching("POST", BatchesPath)).Json;
        Assert.Equal("28g", body["executorMemory"]!.ToString());
        Assert.Equal(4, body["numExecutors"]!.GetValue<int>());
        Assert.False(body.ContainsKey("driverMemory"));
        Assert.False(body.ContainsKey("executorCores"));
    }

    [Fact]
    public async Task StartJobAsync_ProxyUser_IsRejectedBecauseTheSpecHasNoSuchField()
    {
        var error = await Assert.ThrowsAsync<SparkJobValidationException>(() => this.backend.StartJobAsync(Spec() with { ProxyUser = "u" }, AzuriteFixture.UniqueName("k")));

        Assert.Contains(error.Errors, e => e.Contains("proxyUser", StringComparison.Ordinal));
        Assert.Empty(this.server.Requests);
    }

    [Fact]
    public async Task GetStatusAsync_QueuedRunningSucceeded_IsMappedWithTimestampsAppIdAndLinks()
    {
        SparkJobHandle handle = await this.backend.StartJobAsync(Spec(), AzuriteFixture.UniqueName("k"));

        var statuses = new List<SparkJobStatus>();
        for (int i = 0; i < 3; i++)
        {
            statuses.Add(await this.backend.GetStatusAsync(handle));
        }

        Assert.Equal([SparkJobState.Pending, SparkJobState.Running, SparkJobState.Succeeded], statuses.Select(s => s.State));
        SparkJobStatus done = statuses[^1];
        Assert.Equal("result=Succeeded scheduler=Ended state=success", done.ClusterState);
        Assert.Equal("application_1700000000000_0101", done.AppId);
        Assert.Equal(new Uri("https://ws.dev.azuresynapse.net/sparkhistory/api/v1/sparkpools/pool1/livyid/101/applications/app/driverlog/stdout/"), done.DriverLogUrl);
        Assert.Equal(new Uri("https://ws.dev.azuresynapse.net/sparkhistory/api/v1/sparkpools/pool1/livyid/101/applications/app/1/jobs/"), done.SparkUiUrl);

        // The fake's clock starts at 08:00:00 and moves one second per request: POST (1 s), then three GETs.
        var start = new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
        Assert.Equal(start.AddSeconds(1), done.Timestamps["schedulerInfo.submittedAt"]);
        Assert.Equal(start.AddSeconds(1), done.Timestamps["livyInfo.notStartedAt"]);
        Assert.Equal(start.AddSeconds(2), done.Timestamps["livyInfo.startingAt"]);
        Assert.Equal(start.AddSeconds(2), done.Timestamps["schedulerInfo.scheduledAt"]);
        Assert.Equal(start.AddSeconds(3), done.Timestamps["livyInfo.runningAt"]);
        Assert.Equal(start.AddSeconds(4), done.Timestamps["livyInfo.successAt"]);
        Assert.Equal(start.AddSeconds(4), done.Timestamps["schedulerInfo.endedAt"]);
        Assert.All(this.server.Matching("GET", BatchesPath + "/"), r => Assert.Equal("?detailed=true", r.Query));
    }

    [Fact]
    public async Task GetStatusAsync_FailedResult_CarriesTheErrorInfo()
    {
        this.synapse.States = ["dead"];
        SparkJobHandle handle = await this.backend.StartJobAsync(Spec(), AzuriteFixture.UniqueName("k"));

        SparkJobStatus status = await this.backend.GetStatusAsync(handle);

        Assert.Equal(SparkJobState.Failed, status.State);
        Assert.Equal("SparkJobFailed: Py4JJavaError in stage 3", status.Error);
        Assert.Contains("SparkJobFailed: Py4JJavaError in stage 3", status.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Uncertain", "Queued", "not_started", SparkJobState.Pending)]
    [InlineData("Uncertain", "Scheduled", "starting", SparkJobState.Pending)]
    [InlineData("Uncertain", "Scheduled", "running", SparkJobState.Running)]

    // Not defined by the spec: the job is not reported final on a guess; the next poll reads the result.
    [InlineData("Uncertain", "Ended", "running", SparkJobState.Running)]
    [InlineData("Uncertain", "Ended", "killed", SparkJobState.Cancelled)]
    [InlineData("Uncertain", "Ended", "dead", SparkJobState.Failed)]
    [InlineData("Succeeded", "Ended", "success", SparkJobState.Succeeded)]
    [InlineData("Failed", "Ended", "dead", SparkJobState.Failed)]
    [InlineData("Cancelled", "Ended", "killed", SparkJobState.Cancelled)]
    [InlineData(null, null, "busy", SparkJobState.Running)]
    public void Map_SynapseFields_GiveTheJobState(string? result, string? scheduler, string state, SparkJobState expected)
    {
        var job = new JsonObject { ["result"] = result, ["state"] = state, ["schedulerInfo"] = new JsonObject { ["currentState"] = scheduler } };
        Assert.Equal(expected, SynapseSparkBackend.Map("1", job).State);
    }

    [Fact]
    public async Task CancelJobAsync_RunningBatch_DeletesWithoutQueryAndReadsTheKeptBatchBack()
    {
        SparkJobHandle handle = await this.backend.StartJobAsync(Spec(), AzuriteFixture.UniqueName("k"));
        await this.backend.GetStatusAsync(handle);

        SparkJobStatus status = await this.backend.CancelJobAsync(handle);

        RecordedRequest delete = Assert.Single(this.server.Matching("DELETE", BatchesPath));
        Assert.Equal($"{BatchesPath}/{handle.JobId}", delete.PathAndQuery);
        Assert.Equal("Bearer entra-token-123", delete.Headers["Authorization"]);
        Assert.Equal(SparkJobState.Cancelled, status.State);
        Assert.Equal("result=Cancelled scheduler=Ended state=killed", status.ClusterState);
        Assert.True(status.Timestamps.ContainsKey("schedulerInfo.cancellationRequestedAt"));
    }

    [Fact]
    public async Task CancelJobAsync_SucceededBatch_SendsNoDeleteAndStaysSucceeded()
    {
        this.synapse.States = ["success"];
        SparkJobHandle handle = await this.backend.StartJobAsync(Spec(), AzuriteFixture.UniqueName("k"));
        Assert.Equal(SparkJobState.Succeeded, (await this.backend.GetStatusAsync(handle)).State);

        SparkJobStatus status = await this.backend.CancelJobAsync(handle);

        Assert.Empty(this.server.Matching("DELETE", BatchesPath));
        Assert.Equal(SparkJobState.Succeeded, status.State);
    }

    [Fact]
    public async Task StartJobAsync_CrashAfterSynapseCreatedTheBatchBehind25Others_FindsItByPagingTwentyAtATime()
    {
        string key = AzuriteFixture.UniqueName("k");
        for (int i = 0; i < 25; i++)
        {
            this.synapse.CreateBatch($"other-{i}");
        }

        // The earlier attempt's POST reached Synapse (batch 126) but its answer was lost.
        this.server.Faults.Enqueue(("POST", BatchesPath, new FakeResponse(500)));
        await Assert.ThrowsAsync<SparkBackendException>(() => this.backend.StartJobAsync(Spec(), key));
        int created = this.synapse.CreateBatch(LivyBatchProtocol.BatchName(Spec(), key));

        SparkJobHandle handle = await this.CreateBackend().StartJobAsync(Spec(), key);

        Assert.Equal(created.ToString(System.Globalization.CultureInfo.InvariantCulture), handle.JobId);
        Assert.Single(this.server.Matching("POST", BatchesPath));
        Assert.Equal(
            ["?from=0&size=20&detailed=true", "?from=20&size=20&detailed=true"],
            this.server.Requests.Where(r => r.Method == "GET" && r.Path == BatchesPath).Select(r => r.Query));
        Assert.Equal(26, this.synapse.Created);
    }

    private static SparkJobSpec Spec() => new("etl", SparkJobKind.PySpark) { File = "data/jobs/etl.py", Args = ["--day", "1"] };

    private SynapseSparkBackend CreateBackend() => new(
        SparkHttp.Create(SparkHttpClientNames.Synapse),
        this.account,
        new SynapseSparkOptions { Endpoint = this.server.BaseUri, SparkPool = "pool1" },
        new SparkOptions().ClusterPathTemplate,
        this.credential);
}
