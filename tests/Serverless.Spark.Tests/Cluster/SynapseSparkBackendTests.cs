using System.Text.Json.Nodes;
using Serverless.Spark.Backends.Livy;
using Serverless.Spark.Hosting;
using Serverless.Spark.Http;
using Serverless.Spark.Jobs;
using Serverless.Spark.Tests.Support;
using Serverless.Storage.Connection;
using Serverless.Testing;

namespace Serverless.Spark.Tests.Cluster;

[Collection(AzuriteCollection.Name)]
public sealed class SynapseSparkBackendTests : IAsyncLifetime
{
    private const string BatchesPath = "/livyApi/versions/2019-11-01-preview/sparkPools/pool1/batches";
    private readonly StorageAccount account;
    private readonly FakeLivy synapse = new(BatchesPath);
    private readonly FakeTokenCredential credential = new("entra-token-123");
    private FakeClusterServer server = null!;
    private SynapseSparkBackend backend = null!;

    public SynapseSparkBackendTests(AzuriteFixture azurite) => this.account = azurite.CreateAccount();

    public async Task InitializeAsync()
    {
        this.synapse.Extra = state => state switch
        {
            "not_started" => Detail("Uncertain", "Queued"),
            "running" => Detail("Uncertain", "Scheduled"),
            "success" => Detail("Succeeded", "Ended"),
            "dead" => Detail("Failed", "Ended", new JsonArray(new JsonObject { ["message"] = "Py4JJavaError in stage 3", ["errorCode"] = "SparkJobFailed", ["source"] = "User" })),
            "killed" => Detail("Cancelled", "Ended"),
            _ => Detail("Uncertain", "Scheduled"),
        };
        this.server = await FakeClusterServer.StartAsync(this.synapse.Handle);
        this.backend = new SynapseSparkBackend(
            SparkHttp.Create(SparkHttpClientNames.Synapse),
            this.account,
            new SynapseSparkOptions { Endpoint = this.server.BaseUri, SparkPool = "pool1" },
            new SparkOptions().ClusterPathTemplate,
            this.credential);
    }

    public async Task DisposeAsync() => await this.server.DisposeAsync();

    [Fact]
    public async Task StartJobAsync_PostsToThePoolWithAnEntraTokenAndRequiredSizes()
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
        Assert.Equal("4g", body["driverMemory"]!.ToString());
        Assert.Equal(2, body["numExecutors"]!.GetValue<int>());
        Assert.Equal(key, body["tags"]!["serverless-idempotency-key"]!.ToString());
        Assert.Equal("synapse", handle.Backend);
    }

    [Fact]
    public async Task GetStatusAsync_ResultAndSchedulerSequence_IsMapped()
    {
        this.synapse.States = ["running", "success"];
        SparkJobHandle handle = await this.backend.StartJobAsync(Spec(), AzuriteFixture.UniqueName("k"));

        SparkJobStatus running = await this.backend.GetStatusAsync(handle);
        SparkJobStatus done = await this.backend.GetStatusAsync(handle);

        Assert.Equal(SparkJobState.Running, running.State);
        Assert.Equal(SparkJobState.Succeeded, done.State);
        Assert.All(this.server.Matching("GET", BatchesPath + "/"), r => Assert.Equal("?detailed=true", r.Query));
    }

    [Fact]
    public async Task GetStatusAsync_FailedResult_CarriesTheErrorInfo()
    {
        this.synapse.States = ["dead"];
        SparkJobHandle handle = await this.backend.StartJobAsync(Spec(), AzuriteFixture.UniqueName("k"));

        SparkJobStatus status = await this.backend.GetStatusAsync(handle);

        Assert.Equal(SparkJobState.Failed, status.State);
        Assert.Contains("SparkJobFailed: Py4JJavaError in stage 3", status.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Uncertain", "Queued", "not_started", SparkJobState.Pending)]
    [InlineData("Uncertain", "Scheduled", "starting", SparkJobState.Running)]
    [InlineData("Uncertain", "Scheduled", "running", SparkJobState.Running)]
    [InlineData("Uncertain", "Ended", "running", SparkJobState.Failed)]
    [InlineData("Uncertain", "Ended", "killed", SparkJobState.Cancelled)]
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
    public async Task CancelJobAsync_DeletesTheBatch()
    {
        this.synapse.States = ["running"];
        SparkJobHandle handle = await this.backend.StartJobAsync(Spec(), AzuriteFixture.UniqueName("k"));

        SparkJobStatus status = await this.backend.CancelJobAsync(handle);

        RecordedRequest delete = Assert.Single(this.server.Matching("DELETE", BatchesPath));
        Assert.Equal($"{BatchesPath}/{handle.JobId}", delete.Path);
        Assert.Equal("Bearer entra-token-123", delete.Headers["Authorization"]);
        Assert.Equal(SparkJobState.Cancelled, status.State);
    }

    private static JsonObject Detail(string result, string scheduler, JsonArray? errors = null) => new()
    {
        ["result"] = result,
        ["schedulerInfo"] = new JsonObject { ["currentState"] = scheduler, ["submittedAt"] = "2026-11-24T00:00:00Z" },
        ["errorInfo"] = errors ?? [],
        ["livyInfo"] = new JsonObject { ["currentState"] = "running" },
    };

    private static SparkJobSpec Spec() => new("etl", SparkJobKind.PySpark) { File = "data/jobs/etl.py", Args = ["--day", "1"] };
}
