using System.Text.Json.Nodes;
using Serverless.Spark.Backends.Databricks;
using Serverless.Spark.Hosting;
using Serverless.Spark.Http;
using Serverless.Spark.Jobs;
using Serverless.Spark.Tests.Support;
using Serverless.Spark.Tests.Support.Fakes;
using Serverless.Storage.Connection;
using Serverless.Testing;

namespace Serverless.Spark.Tests.Cluster;

[Collection(AzuriteCollection.Name)]
public sealed class DatabricksSparkBackendTests : IAsyncLifetime
{
    private const string Token = "dapi0123456789abcdef";
    private const string Submit = "/api/2.2/jobs/runs/submit";
    private readonly StorageAccount account;
    private readonly FakeDatabricks databricks = new();
    private FakeClusterServer server = null!;

    public DatabricksSparkBackendTests(AzuriteFixture azurite) => this.account = azurite.CreateAccount();

    public async Task InitializeAsync() => this.server = await FakeClusterServer.StartAsync(this.databricks.Handle);

    public async Task DisposeAsync() => await this.server.DisposeAsync();

    [Fact]
    public async Task StartJobAsync_SqlJob_SubmitsTheRunnerOnANewClusterWithTheIdempotencyTokenAndQueueing()
    {
        string key = AzuriteFixture.UniqueName("k");

        SparkJobHandle handle = await this.Backend().StartJobAsync(SqlSpec(), key);

        RecordedRequest post = Assert.Single(this.server.Matching("POST", Submit));
        Assert.Equal($"Bearer {Token}", post.Headers["Authorization"]);
        JsonObject body = post.Json;
        Assert.Equal("report", body["run_name"]!.ToString());
        Assert.Equal(key, body["idempotency_token"]!.ToString());
        Assert.True(body["queue"]!["enabled"]!.GetValue<bool>());
        JsonNode task = Assert.Single(body["tasks"]!.AsArray())!;
        Assert.Equal("main", task["task_key"]!.ToString());
        Assert.Equal("15.4.x-scala2.12", task["new_cluster"]!["spark_version"]!.ToString());
        Assert.Equal("Standard_D4ds_v5", task["new_cluster"]!["node_type_id"]!.ToString());
        Assert.Equal(2, task["new_cluster"]!["num_workers"]!.GetValue<int>());
        Assert.Null(task["new_cluster"]!["spark_conf"]);
        Assert.Matches("^abfss://spark-scripts@devstoreaccount1.dfs.core.windows.net/runner/sql_runner-[0-9a-f]{12}.py$", task["spark_python_task"]!["python_file"]!.ToString());
        Assert.Equal($"abfss://spark-scripts@devstoreaccount1.dfs.core.windows.net/jobs/{SparkIdempotencyKey.Hash(key)}/spec.json", task["spark_python_task"]!["parameters"]![0]!.ToString());
        Assert.Equal("databricks", handle.Backend);
        Assert.Equal("501", handle.JobId);
    }

    [Fact]
    public async Task StartJobAsync_ConfAndResourcesOnANewCluster_BecomeSparkConfAndWorkers()
    {
        SparkJobSpec spec = SqlSpec() with
        {
            Conf = new Dictionary<string, string> { ["spark.sql.shuffle.partitions"] = "8" },
            Resources = new SparkJobResources { DriverMemory = "8g", ExecutorMemory = "16g", ExecutorCores = 4, Executors = 5 },
        };

        await this.Backend().StartJobAsync(spec, AzuriteFixture.UniqueName("k"));

        JsonNode cluster = this.server.Matching("POST", Submit)[0].Json["tasks"]![0]!["new_cluster"]!;
        Assert.Equal(5, cluster["num_workers"]!.GetValue<int>());
        var conf = cluster["spark_conf"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.ToString());
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["spark.sql.shuffle.partitions"] = "8",
                ["spark.driver.memory"] = "8g",
                ["spark.executor.memory"] = "16g",
                ["spark.executor.cores"] = "4",
            },
            conf);
    }

    [Fact]
    public async Task StartJobAsync_JarOnExistingCluster_UsesSparkJarTaskAndLibraries()
    {
        var spec = new SparkJobSpec("jar", SparkJobKind.Jar) { File = "data/jars/app.jar", ClassName = "com.example.Main", Args = ["a"] };

        await this.Backend(o => o.ExistingClusterId = "0923-abc").StartJobAsync(spec, AzuriteFixture.UniqueName("k"));

        JsonNode task = this.server.Matching("POST", Submit)[0].Json["tasks"]![0]!;
        Assert.Equal("0923-abc", task["existing_cluster_id"]!.ToString());
        Assert.Null(task["new_cluster"]);
        Assert.Equal("com.example.Main", task["spark_jar_task"]!["main_class_name"]!.ToString());
        Assert.Equal("abfss://data@devstoreaccount1.dfs.core.windows.net/jars/app.jar", task["libraries"]![0]!["jar"]!.ToString());
    }

    [Fact]
    public async Task StartJobAsync_PyFilesAsWheelAndEgg_AreInstalledAsLibraries()
    {
        var spec = new SparkJobSpec("py", SparkJobKind.PySpark) { File = "data/jobs/main.py", PyFiles = ["data/jobs/helpers-1.0-py3-none-any.whl", "data/jobs/old.egg"] };

        await this.Backend().StartJobAsync(spec, AzuriteFixture.UniqueName("k"));

        JsonArray libraries = this.server.Matching("POST", Submit)[0].Json["tasks"]![0]!["libraries"]!.AsArray();
        Assert.Equal(
            ["{\"whl\":\"abfss://data@devstoreaccount1.dfs.core.windows.net/jobs/helpers-1.0-py3-none-any.whl\"}", "{\"egg\":\"abfss://data@devstoreaccount1.dfs.core.windows.net/jobs/old.egg\"}"],
            libraries.Select(l => l!.ToJsonString()));
    }

    [Fact]
    public async Task StartJobAsync_WhatRunsSubmitCannotCarry_IsRejectedBeforeAnyCall()
    {
        var spec = new SparkJobSpec("py", SparkJobKind.PySpark)
        {
            File = "data/jobs/main.py",
            PyFiles = ["data/jobs/helpers.py"],
            Conf = new Dictionary<string, string> { ["spark.sql.shuffle.partitions"] = "8" },
            Resources = new SparkJobResources { Executors = 3 },
            Files = ["data/jobs/settings.json"],
        };

        var error = await Assert.ThrowsAsync<SparkJobValidationException>(() => this.Backend(o => o.ExistingClusterId = "0923-abc").StartJobAsync(spec, AzuriteFixture.UniqueName("k")));

        Assert.Equal(4, error.Errors.Count);
        Assert.Contains(error.Errors, e => e.Contains("helpers.py", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("conf on an existing cluster", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("resources on an existing cluster", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("files", StringComparison.Ordinal));
        Assert.Empty(this.server.Requests);
    }

    [Fact]
    public async Task StartJobAsync_SameKeyTwiceAndA503_StartsOneRun()
    {
        string key = AzuriteFixture.UniqueName("k");
        this.server.Faults.Enqueue(("POST", Submit, new FakeResponse(503)));

        SparkJobHandle first = await this.Backend().StartJobAsync(SqlSpec(), key);
        SparkJobHandle second = await this.Backend().StartJobAsync(SqlSpec(), key);

        Assert.Equal(first, second);

        // The retry after the 503 reuses the token; the second submit is answered from the jobs table.
        Assert.Equal(2, this.server.Matching("POST", Submit).Count);
        Assert.Equal(1, this.databricks.Created);
    }

    [Fact]
    public async Task GetStatusAsync_StatusObjectWithoutTheDeprecatedState_EndsSucceeded()
    {
        DatabricksSparkBackend backend = this.Backend();
        SparkJobHandle handle = await backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));

        var statuses = new List<SparkJobStatus>();
        for (int i = 0; i < 4; i++)
        {
            statuses.Add(await backend.GetStatusAsync(handle));
        }

        Assert.Equal([SparkJobState.Pending, SparkJobState.Running, SparkJobState.Running, SparkJobState.Succeeded], statuses.Select(s => s.State));
        SparkJobStatus done = statuses[^1];
        Assert.Equal("TERMINATED/SUCCESS", done.ClusterState);
        Assert.Equal(new Uri($"https://adb-1.2.azuredatabricks.net/?o=1#job/0/run/{handle.JobId}"), done.RunPageUrl);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000L), done.Timestamps["start_time"]);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_060_000L), done.Timestamps["end_time"]);
        Assert.Equal(["stdout: reading flights", "stdout: writing n"], done.LogTail);
        Assert.Equal($"/api/2.2/jobs/runs/get?run_id={handle.JobId}", this.server.Matching("GET", "/api/2.2/jobs/runs/get")[0].PathAndQuery);
    }

    [Fact]
    public async Task IsRunningAsync_UntilTheRunTerminates_AsksOnlyTheWorkspaceAndTheFullReadThenHasTheFinalStatus()
    {
        var storage = new Serverless.Storage.Diagnostics.StorageRequestCounter();
        var backend = new DatabricksSparkBackend(SparkHttp.Create(SparkHttpClientNames.Databricks), this.account.WithPolicies(storage), new DatabricksSparkOptions { WorkspaceUrl = this.server.BaseUri, Token = Token }, new SparkOptions().ClusterPathTemplate);
        SparkJobHandle handle = await backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));
        storage.Reset();

        // The default script: PENDING, RUNNING, TERMINATING, then TERMINATED/SUCCESS, one state per runs/get.
        var answers = new List<bool>();
        for (int i = 0; i < 4; i++)
        {
            answers.Add(await backend.IsRunningAsync(handle));
        }

        Assert.Equal([true, true, true, false], answers);
        Assert.Equal(0, storage.Total);
        Assert.Equal(4, this.server.Matching("GET", "/api/2.2/jobs/runs/get").Count);
        Assert.Equal(SparkJobState.Succeeded, (await backend.GetStatusAsync(handle)).State);
        Assert.True(storage.Table > 0);
    }

    [Fact]
    public async Task GetStatusAsync_FailedRun_CarriesTheTaskErrorAndTraceFromGetOutput()
    {
        this.databricks.States = [("TERMINATED", "RUN_EXECUTION_ERROR")];
        DatabricksSparkBackend backend = this.Backend();
        SparkJobHandle handle = await backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));

        SparkJobStatus status = await backend.GetStatusAsync(handle);

        Assert.Equal(SparkJobState.Failed, status.State);
        const string Error = "AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] The table or view `flightz` cannot be found.";
        Assert.Equal(Error, status.Error);
        Assert.Equal(Error, status.Message);
        Assert.StartsWith("pyspark.errors.exceptions.captured.AnalysisException", status.ErrorTrace, StringComparison.Ordinal);

        // get-output answers for the task run, not the submitted run.
        long taskRun = long.Parse(handle.JobId, System.Globalization.CultureInfo.InvariantCulture) + 10_000;
        Assert.Equal($"/api/2.2/jobs/runs/get-output?run_id={taskRun}", Assert.Single(this.server.Matching("GET", "/api/2.2/jobs/runs/get-output")).PathAndQuery);
    }

    [Fact]
    public async Task GetStatusAsync_AtTheActiveRunsLimit_TheRunQueuesInsteadOfFailing()
    {
        this.databricks.States = [("RUNNING", null)];
        this.databricks.ActiveRunsLimit = 1;
        DatabricksSparkBackend backend = this.Backend();
        SparkJobHandle first = await backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));
        Assert.Equal(SparkJobState.Running, (await backend.GetStatusAsync(first)).State);

        SparkJobHandle second = await backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));
        SparkJobStatus queued = await backend.GetStatusAsync(second);

        Assert.Equal(SparkJobState.Pending, queued.State);
        Assert.Equal("QUEUED", queued.ClusterState);
        Assert.Equal("Queued: the workspace reached its limit of active runs.", queued.Message);
    }

    [Fact]
    public async Task CancelJobAsync_IsAsynchronous_TheRunReportsCancelledOnceItTerminates()
    {
        this.databricks.States = [("RUNNING", null)];
        DatabricksSparkBackend backend = this.Backend();
        SparkJobHandle handle = await backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));

        SparkJobStatus afterCancel = await backend.CancelJobAsync(handle);
        SparkJobStatus final = await PollUntilFinalAsync(backend, handle);

        RecordedRequest cancel = Assert.Single(this.server.Matching("POST", "/api/2.2/jobs/runs/cancel"));
        Assert.Equal(long.Parse(handle.JobId, System.Globalization.CultureInfo.InvariantCulture), cancel.Json["run_id"]!.GetValue<long>());
        Assert.False(afterCancel.IsTerminal, $"the cancel answered {afterCancel.State}");
        Assert.Equal(SparkJobState.Cancelled, final.State);
        Assert.Equal("TERMINATED/USER_CANCELED", final.ClusterState);
    }

    [Fact]
    public async Task CancelJobAsync_SucceededRun_SendsNoCancelAndStaysSucceeded()
    {
        this.databricks.States = [("TERMINATED", "SUCCESS")];
        DatabricksSparkBackend backend = this.Backend();
        SparkJobHandle handle = await backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));
        await backend.GetStatusAsync(handle);

        SparkJobStatus status = await backend.CancelJobAsync(handle);

        Assert.Empty(this.server.Matching("POST", "/api/2.2/jobs/runs/cancel"));
        Assert.Equal(SparkJobState.Succeeded, status.State);
    }

    [Theory]
    [InlineData("Run {0} does not exist.")]
    [InlineData("Run {0} doesn't exist")]
    [InlineData("Run {0} in job 77 doesn't exist")]
    public async Task GetStatusAsync_UnknownRunInEitherNotFoundForm_ReportsLost(string form)
    {
        this.databricks.NotFoundForm = form;

        SparkJobStatus status = await this.Backend().GetStatusAsync(new SparkJobHandle("databricks", "999999", "k"));

        Assert.Equal(SparkJobState.Lost, status.State);

        // The 400 of the 2.2 endpoint is what was recognised, not a 404 of a wrong path.
        Assert.Equal("/api/2.2/jobs/runs/get?run_id=999999", Assert.Single(this.server.Requests).PathAndQuery);
    }

    [Fact]
    public async Task GetStatusAsync_SucceededRunDeletedLater_StillReportsSucceeded()
    {
        this.databricks.States = [("TERMINATED", "SUCCESS")];
        string key = AzuriteFixture.UniqueName("k");
        SparkJobHandle handle = await this.Backend().StartJobAsync(SqlSpec(), key);
        SparkJobStatus first = await this.Backend().GetStatusAsync(handle);

        this.databricks.Delete(long.Parse(handle.JobId, System.Globalization.CultureInfo.InvariantCulture));
        SparkJobStatus later = await this.Backend().GetStatusAsync(handle);
        SparkJobHandle again = await this.Backend().StartJobAsync(SqlSpec(), key);

        Assert.Equal(SparkJobState.Succeeded, first.State);
        Assert.Equal(SparkJobState.Succeeded, later.State);
        Assert.Equal(first.ClusterState, later.ClusterState);
        Assert.Equal(first.LogTail, later.LogTail);
        Assert.Equal(first.Timestamps, later.Timestamps);
        Assert.Equal(first.RunPageUrl, later.RunPageUrl);
        Assert.Equal(handle, again);
        Assert.Single(this.server.Matching("POST", Submit));
    }

    [Fact]
    public async Task StartJobAsync_TokenOfADeletedRunWithoutARecord_FailsWithAClearMessage()
    {
        string key = AzuriteFixture.UniqueName("k");
        SparkJobHandle handle = await this.Backend().StartJobAsync(SqlSpec(), key);
        this.databricks.Delete(long.Parse(handle.JobId, System.Globalization.CultureInfo.InvariantCulture));
        await this.account.Tables.GetTableClient(SparkResourceNames.JobsTable).DeleteEntityAsync("databricks", key);

        var error = await Assert.ThrowsAsync<SparkBackendException>(() => this.Backend().StartJobAsync(SqlSpec(), key));

        Assert.Contains("was deleted", error.Message, StringComparison.Ordinal);
        Assert.Contains("new key", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, this.databricks.Created);
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
        this.server.Faults.Enqueue(("POST", Submit, new FakeResponse(403, new JsonObject { ["message"] = $"Invalid access token {Token}" })));

        var error = await Assert.ThrowsAsync<SparkBackendException>(() => this.Backend().StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k")));

        Assert.DoesNotContain(Token, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Invalid access token ***", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("QUEUED", null, false, SparkJobState.Pending)]
    [InlineData("PENDING", null, false, SparkJobState.Pending)]
    [InlineData("BLOCKED", null, false, SparkJobState.Pending)]
    [InlineData("WAITING", null, false, SparkJobState.Pending)]
    [InlineData("RUNNING", null, false, SparkJobState.Running)]
    [InlineData("TERMINATING", null, false, SparkJobState.Running)]
    [InlineData("TERMINATED", "SUCCESS", false, SparkJobState.Succeeded)]
    [InlineData("TERMINATED", "SUCCESS_WITH_FAILURES", false, SparkJobState.Succeeded)]
    [InlineData("TERMINATED", "USER_CANCELED", false, SparkJobState.Cancelled)]
    [InlineData("TERMINATED", "CANCELED", true, SparkJobState.Cancelled)]
    [InlineData("TERMINATED", "CANCELED", false, SparkJobState.Failed)]
    [InlineData("TERMINATED", "SKIPPED", false, SparkJobState.Failed)]
    [InlineData("TERMINATED", "DRIVER_ERROR", false, SparkJobState.Failed)]
    [InlineData("TERMINATED", "RUN_EXECUTION_ERROR", false, SparkJobState.Failed)]
    [InlineData("TERMINATED", "WORKSPACE_RUN_LIMIT_EXCEEDED", false, SparkJobState.Failed)]
    [InlineData("TERMINATED", "MAX_CONCURRENT_RUNS_EXCEEDED", false, SparkJobState.Failed)]
    [InlineData("SOMETHING_NEW", null, false, SparkJobState.Running)]
    public void MapStatus_EveryRunStatusStateAndTerminationCode_IsMapped(string state, string? code, bool cancelRequested, SparkJobState expected) =>
        Assert.Equal(expected, DatabricksStates.MapStatus(state, code, cancelRequested));

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
    [InlineData("TERMINATED", "CANCELED", SparkJobState.Cancelled)]
    [InlineData("TERMINATED", "UPSTREAM_CANCELED", SparkJobState.Cancelled)]
    public void Map_DeprecatedLifeCycleAndResultState_IsMapped(string lifeCycle, string? result, SparkJobState expected) =>
        Assert.Equal(expected, DatabricksStates.Map(lifeCycle, result));

    [Fact]
    public void Map_AnswerWithoutStatus_FallsBackToTheDeprecatedState()
    {
        var run = new JsonObject { ["state"] = new JsonObject { ["life_cycle_state"] = "TERMINATED", ["result_state"] = "FAILED", ["state_message"] = "boom" } };

        SparkJobStatus status = DatabricksSparkBackend.Map("1", run, cancelRequested: false);

        Assert.Equal(SparkJobState.Failed, status.State);
        Assert.Equal("boom", status.Message);
    }

    private static async Task<SparkJobStatus> PollUntilFinalAsync(DatabricksSparkBackend backend, SparkJobHandle handle)
    {
        for (int i = 0; i < 20; i++)
        {
            SparkJobStatus status = await backend.GetStatusAsync(handle);
            if (status.IsTerminal)
            {
                return status;
            }
        }

        throw new TimeoutException($"Run {handle.JobId} did not finish within 20 polls.");
    }

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
}
