using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Serverless.Spark.Backends.Databricks;
using Serverless.Spark.Hosting;
using Serverless.Spark.Http;
using Serverless.Spark.Jobs;
using Serverless.Spark.Tests.Support;
using Serverless.Storage.Connection;
using Serverless.Testing;

namespace Serverless.Spark.Tests.Cluster;

[Collection(AzuriteCollection.Name)]
public sealed class DatabricksSparkBackendTests : IAsyncLifetime
{
    private const string Token = "dapi0123456789abcdef";
    private readonly StorageAccount account;
    private readonly ConcurrentDictionary<string, long> runsByToken = new();
    private readonly ConcurrentDictionary<long, Queue<(string LifeCycle, string? Result)>> runs = new();
    private FakeClusterServer server = null!;
    private long nextRun = 500;

    public DatabricksSparkBackendTests(AzuriteFixture azurite) => this.account = azurite.CreateAccount();

    private (string, string?)[] States { get; set; } = [("PENDING", null), ("RUNNING", null), ("TERMINATING", null), ("TERMINATED", "SUCCESS")];

    public async Task InitializeAsync() => this.server = await FakeClusterServer.StartAsync(this.Handle);

    public async Task DisposeAsync() => await this.server.DisposeAsync();

    [Fact]
    public async Task StartJobAsync_SqlJob_SubmitsTheRunnerOnANewClusterWithTheIdempotencyToken()
    {
        string key = AzuriteFixture.UniqueName("k");

        SparkJobHandle handle = await this.Backend().StartJobAsync(SqlSpec(), key);

        RecordedRequest post = Assert.Single(this.server.Matching("POST", "/api/2.1/jobs/runs/submit"));
        Assert.Equal($"Bearer {Token}", post.Headers["Authorization"]);
        JsonObject body = post.Json;
        Assert.Equal("report", body["run_name"]!.ToString());
        Assert.Equal(key, body["idempotency_token"]!.ToString());
        JsonNode task = Assert.Single(body["tasks"]!.AsArray())!;
        Assert.Equal("main", task["task_key"]!.ToString());
        Assert.Equal("15.4.x-scala2.12", task["new_cluster"]!["spark_version"]!.ToString());
        Assert.Equal("Standard_D4ds_v5", task["new_cluster"]!["node_type_id"]!.ToString());
        Assert.Equal(2, task["new_cluster"]!["num_workers"]!.GetValue<int>());
        Assert.Matches("^abfss://spark-scripts@devstoreaccount1.dfs.core.windows.net/runner/sql_runner-[0-9a-f]{12}.py$", task["spark_python_task"]!["python_file"]!.ToString());
        Assert.Equal($"abfss://spark-scripts@devstoreaccount1.dfs.core.windows.net/jobs/{SparkIdempotencyKey.Hash(key)}/spec.json", task["spark_python_task"]!["parameters"]![0]!.ToString());
        Assert.Equal("databricks", handle.Backend);
        Assert.Equal("501", handle.JobId);
    }

    [Fact]
    public async Task StartJobAsync_JarOnExistingCluster_UsesSparkJarTaskAndLibraries()
    {
        var spec = new SparkJobSpec("jar", SparkJobKind.Jar) { File = "data/jars/app.jar", ClassName = "com.example.Main", Args = ["a"] };

        await this.Backend(o => o.ExistingClusterId = "0923-abc").StartJobAsync(spec, AzuriteFixture.UniqueName("k"));

        JsonNode task = this.server.Matching("POST", "/api/2.1/jobs/runs/submit")[0].Json["tasks"]![0]!;
        Assert.Equal("0923-abc", task["existing_cluster_id"]!.ToString());
        Assert.Null(task["new_cluster"]);
        Assert.Equal("com.example.Main", task["spark_jar_task"]!["main_class_name"]!.ToString());
        Assert.Equal("abfss://data@devstoreaccount1.dfs.core.windows.net/jars/app.jar", task["libraries"]![0]!["jar"]!.ToString());
    }

    [Fact]
    public async Task StartJobAsync_SameKeyTwiceAndA503_StartsOneRun()
    {
        string key = AzuriteFixture.UniqueName("k");
        this.server.Faults.Enqueue(("POST", "/api/2.1/jobs/runs/submit", new FakeResponse(503)));

        SparkJobHandle first = await this.Backend().StartJobAsync(SqlSpec(), key);
        SparkJobHandle second = await this.Backend().StartJobAsync(SqlSpec(), key);

        Assert.Equal(first, second);
        Assert.Equal(3, this.server.Matching("POST", "/api/2.1/jobs/runs/submit").Count);
        Assert.Single(this.runs);
    }

    [Fact]
    public async Task GetStatusAsync_LifeCycleSequence_EndsSucceeded()
    {
        DatabricksSparkBackend backend = this.Backend();
        SparkJobHandle handle = await backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));

        var states = new List<SparkJobState>();
        for (int i = 0; i < 4; i++)
        {
            states.Add((await backend.GetStatusAsync(handle)).State);
        }

        Assert.Equal([SparkJobState.Pending, SparkJobState.Running, SparkJobState.Running, SparkJobState.Succeeded], states);
        Assert.Equal($"/api/2.1/jobs/runs/get?run_id={handle.JobId}", this.server.Matching("GET", "/api/2.1/jobs/runs/get")[0].PathAndQuery);
    }

    [Fact]
    public async Task GetStatusAsync_FailedRun_CarriesTheStateMessage()
    {
        this.States = [("TERMINATED", "FAILED")];
        DatabricksSparkBackend backend = this.Backend();
        SparkJobHandle handle = await backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));

        SparkJobStatus status = await backend.GetStatusAsync(handle);

        Assert.Equal(SparkJobState.Failed, status.State);
        Assert.Equal("Task main failed with message: AnalysisException", status.Message);
    }

    [Fact]
    public async Task CancelJobAsync_PostsRunsCancelAndReportsCancelled()
    {
        this.States = [("RUNNING", null)];
        DatabricksSparkBackend backend = this.Backend();
        SparkJobHandle handle = await backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));

        SparkJobStatus status = await backend.CancelJobAsync(handle);

        RecordedRequest cancel = Assert.Single(this.server.Matching("POST", "/api/2.1/jobs/runs/cancel"));
        Assert.Equal(long.Parse(handle.JobId, System.Globalization.CultureInfo.InvariantCulture), cancel.Json["run_id"]!.GetValue<long>());
        Assert.Equal(SparkJobState.Cancelled, status.State);
    }

    [Fact]
    public async Task GetStatusAsync_UnknownRun_ReportsLost()
    {
        SparkJobStatus status = await this.Backend().GetStatusAsync(new SparkJobHandle("databricks", "999999", "k"));
        Assert.Equal(SparkJobState.Lost, status.State);
    }

    [Fact]
    public async Task StartJobAsync_WithoutToken_UsesAnEntraTokenForTheDatabricksResource()
    {
        var credential = new FakeTokenCredential("entra-abc");

        await this.Backend(o => o.Token = null, credential).StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));

        Assert.Equal("Bearer entra-abc", this.server.Requests.First().Headers["Authorization"]);
        Assert.Equal([DatabricksSparkOptions.EntraScope], credential.Scopes.Distinct());
    }

    [Fact]
    public async Task Secrets_ErrorEchoingTheToken_IsRedacted()
    {
        this.server.Faults.Enqueue(("POST", "/api/2.1/jobs/runs/submit", new FakeResponse(403, new JsonObject { ["message"] = $"Invalid access token {Token}" })));

        var error = await Assert.ThrowsAsync<SparkBackendException>(() => this.Backend().StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k")));

        Assert.DoesNotContain(Token, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Invalid access token ***", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("QUEUED", null, SparkJobState.Pending)]
    [InlineData("PENDING", null, SparkJobState.Pending)]
    [InlineData("BLOCKED", null, SparkJobState.Pending)]
    [InlineData("WAITING_FOR_RETRY", null, SparkJobState.Pending)]
    [InlineData("RUNNING", null, SparkJobState.Running)]
    [InlineData("TERMINATING", null, SparkJobState.Running)]
    [InlineData("SKIPPED", null, SparkJobState.Failed)]
    [InlineData("INTERNAL_ERROR", null, SparkJobState.Failed)]
    [InlineData("TERMINATED", "SUCCESS", SparkJobState.Succeeded)]
    [InlineData("TERMINATED", "SUCCESS_WITH_FAILURES", SparkJobState.Succeeded)]
    [InlineData("TERMINATED", "FAILED", SparkJobState.Failed)]
    [InlineData("TERMINATED", "TIMEDOUT", SparkJobState.Failed)]
    [InlineData("TERMINATED", "MAXIMUM_CONCURRENT_RUNS_REACHED", SparkJobState.Failed)]
    [InlineData("TERMINATED", "EXCLUDED", SparkJobState.Failed)]
    [InlineData("TERMINATED", "UPSTREAM_FAILED", SparkJobState.Failed)]
    [InlineData("TERMINATED", "DISABLED", SparkJobState.Failed)]
    [InlineData("TERMINATED", "CANCELED", SparkJobState.Cancelled)]
    [InlineData("TERMINATED", "UPSTREAM_CANCELED", SparkJobState.Cancelled)]
    public void Map_EveryLifeCycleAndResultState_IsMapped(string lifeCycle, string? result, SparkJobState expected) =>
        Assert.Equal(expected, DatabricksStates.Map(lifeCycle, result));

    private static SparkJobSpec SqlSpec() => new("report", SparkJobKind.Sql)
    {
        Inputs = [new SparkJobInput("flights", "data/in/flights.parquet", SparkDataFormat.Parquet)],
        Sql = "SELECT count(*) AS n FROM flights",
        Outputs = [new SparkJobOutput("n", "data/out/n/", SparkDataFormat.Csv)],
    };

    private DatabricksSparkBackend Backend(Action<DatabricksSparkOptions>? configure = null, FakeTokenCredential? credential = null)
    {
        var options = new DatabricksSparkOptions { WorkspaceUrl = this.server.BaseUri, Token = Token };
        configure?.Invoke(options);
        return new DatabricksSparkBackend(SparkHttp.Create(SparkHttpClientNames.Databricks), this.account, options, new SparkOptions().ClusterPathTemplate, credential);
    }

    /// <summary>The Jobs API 2.1 contract: runs/submit (idempotency_token), runs/get (state sequence), runs/cancel.</summary>
    private FakeResponse Handle(RecordedRequest request)
    {
        switch (request.Method, request.Path)
        {
            case ("POST", "/api/2.1/jobs/runs/submit"):
                string token = request.Json["idempotency_token"]!.ToString();
                long id = this.runsByToken.GetOrAdd(token, _ =>
                {
                    long run = Interlocked.Increment(ref this.nextRun);
                    this.runs[run] = new Queue<(string, string?)>(this.States);
                    return run;
                });
                return new FakeResponse(200, new JsonObject { ["run_id"] = id });
            case ("GET", "/api/2.1/jobs/runs/get"):
                long runId = long.Parse(request.Query["?run_id=".Length..], System.Globalization.CultureInfo.InvariantCulture);
                if (!this.runs.TryGetValue(runId, out var states))
                {
                    return new FakeResponse(400, new JsonObject { ["error_code"] = "INVALID_PARAMETER_VALUE", ["message"] = $"Run {runId} does not exist." });
                }

                (string lifeCycle, string? result) = states.Count > 1 ? states.Dequeue() : states.Peek();
                var state = new JsonObject { ["life_cycle_state"] = lifeCycle, ["state_message"] = result == "FAILED" ? "Task main failed with message: AnalysisException" : string.Empty };
                if (result is not null)
                {
                    state["result_state"] = result;
                }

                return new FakeResponse(200, new JsonObject { ["run_id"] = runId, ["state"] = state, ["run_page_url"] = $"https://adb/#job/run/{runId}" });
            case ("POST", "/api/2.1/jobs/runs/cancel"):
                long cancelled = request.Json["run_id"]!.GetValue<long>();
                this.runs[cancelled] = new Queue<(string, string?)>([("TERMINATED", "CANCELED")]);
                return new FakeResponse(200, new JsonObject());
            default:
                return new FakeResponse(404);
        }
    }
}
