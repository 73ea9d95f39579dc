using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
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
public sealed class LivySparkBackendTests : IAsyncLifetime
{
    private const string Password = "s3cret-Livy-pw";
    private readonly StorageAccount account;
    private FakeLivy livy = new();
    private FakeClusterServer server = null!;
    private LivySparkBackend backend = null!;

    public LivySparkBackendTests(AzuriteFixture azurite) => this.account = azurite.CreateAccount();

    private static string BasicAuth => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + Password));

    public async Task InitializeAsync()
    {
        this.server = await FakeClusterServer.StartAsync(r => this.livy.Handle(r));
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
        Assert.Null(body["executorMemory"]);
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
    public async Task StartJobAsync_ProxyUserQueueFilesAndArchives_AreSentAsLivyFields()
    {
        var spec = new SparkJobSpec("etl", SparkJobKind.PySpark)
        {
            File = "data/jobs/etl.py",
            PyFiles = ["data/jobs/lib.zip"],
            Files = ["data/jobs/settings.json"],
            Archives = ["data/jobs/env.tar.gz#env"],
            ProxyUser = "etl-user",
            Queue = "batch",
        };

        await this.backend.StartJobAsync(spec, AzuriteFixture.UniqueName("k"));

        JsonObject body = Assert.Single(this.server.Matching("POST", "/batches")).Json;
        Assert.Equal("etl-user", body["proxyUser"]!.ToString());
        Assert.Equal("batch", body["queue"]!.ToString());
        Assert.Equal(["abfss://data@devstoreaccount1.dfs.core.windows.net/jobs/lib.zip"], body["pyFiles"]!.AsArray().Select(f => f!.ToString()));
        Assert.Equal(["abfss://data@devstoreaccount1.dfs.core.windows.net/jobs/settings.json"], body["files"]!.AsArray().Select(f => f!.ToString()));
        Assert.Equal(["abfss://data@devstoreaccount1.dfs.core.windows.net/jobs/env.tar.gz#env"], body["archives"]!.AsArray().Select(f => f!.ToString()));
    }

    [Fact]
    public async Task GetStatusAsync_FullSequence_MapsEveryLivyStateUntilSuccess()
    {
        this.livy.States = ["recovering", "idle", "running", "busy", "shutting_down", "success"];
        SparkJobHandle handle = await this.backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));

        var states = new List<SparkJobState>();
        for (int i = 0; i < 6; i++)
        {
            states.Add((await this.backend.GetStatusAsync(handle)).State);
        }

        Assert.Equal(
            [SparkJobState.Pending, SparkJobState.Running, SparkJobState.Running, SparkJobState.Running, SparkJobState.Running, SparkJobState.Succeeded],
            states);
        Assert.All(this.server.Matching("GET", "/batches/"), r => Assert.StartsWith($"/batches/{handle.JobId}", r.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task IsRunningAsync_UntilTheBatchEnds_AsksOnlyTheClusterAndTheFullReadThenHasTheFinalStatus()
    {
        var storage = new Serverless.Storage.Diagnostics.StorageRequestCounter();
        var counted = new LivySparkBackend(SparkHttp.Create(SparkHttpClientNames.Livy), this.account.WithPolicies(storage), new LivySparkOptions { Endpoint = this.server.BaseUri, UserName = "admin", Password = Password }, new SparkOptions().ClusterPathTemplate);
        this.livy.States = ["running", "running", "success"];
        SparkJobHandle handle = await counted.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));
        storage.Reset();

        var answers = new List<bool>();
        while (answers.Count < 10 && (answers.Count == 0 || answers[^1]))
        {
            answers.Add(await counted.IsRunningAsync(handle));
        }

        // Every probe is one GET of the batch and no storage request; the full read then stores and returns the end.
        Assert.Equal(0, storage.Total);
        Assert.Equal([true, true, false], answers.TakeLast(3));
        Assert.Equal(answers.Count, this.server.Matching("GET", $"/batches/{handle.JobId}").Count(r => r.Path == $"/batches/{handle.JobId}"));
        Assert.Equal(SparkJobState.Succeeded, (await counted.GetStatusAsync(handle)).State);
        Assert.True(storage.Table > 0);
    }

    [Theory]
    [InlineData("dead", SparkJobState.Failed)]
    [InlineData("error", SparkJobState.Failed)]
    [InlineData("killed", SparkJobState.Cancelled)]
    public async Task GetStatusAsync_TerminalFailureState_IsMappedWithTheLogTailFromTheLogEndpoint(string livyState, SparkJobState expected)
    {
        this.livy.States = ["running", livyState];
        SparkJobHandle handle = await this.backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));

        await this.backend.GetStatusAsync(handle);
        SparkJobStatus status = await this.backend.GetStatusAsync(handle);

        Assert.Equal(expected, status.State);
        Assert.Equal(livyState, status.ClusterState);

        // The batch view holds 10 lines; the log endpoint gives the 31 the batch has (30 + the state line).
        Assert.Equal(31, status.LogTail.Count);
        Assert.Equal("stdout: line 1", status.LogTail[0]);
        Assert.Equal($"state {livyState}", status.LogTail[^1]);
        Assert.Equal($"/batches/{handle.JobId}/log?size=100", this.server.Matching("GET", $"/batches/{handle.JobId}/log").Single().PathAndQuery);
    }

    [Fact]
    public async Task GetStatusAsync_RunningBatch_CarriesAppIdDriverLogAndSparkUiLinks()
    {
        SparkJobHandle handle = await this.backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));

        SparkJobStatus status = await this.backend.GetStatusAsync(handle);

        Assert.Equal(SparkJobState.Running, status.State);
        Assert.Equal("application_1700000000000_0101", status.AppId);
        Assert.Equal(new Uri("http://worker1:8042/node/containerlogs/container_101_01/livy"), status.DriverLogUrl);
        Assert.Equal(new Uri("http://headnode:8088/proxy/application_1700000000000_0101/"), status.SparkUiUrl);
    }

    [Fact]
    public async Task CancelJobAsync_RunningBatch_DeletesItAndStaysCancelled()
    {
        this.livy.States = ["running"];
        SparkJobHandle handle = await this.backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));

        SparkJobStatus cancelled = await this.backend.CancelJobAsync(handle);
        SparkJobStatus later = await this.backend.GetStatusAsync(handle);

        RecordedRequest delete = Assert.Single(this.server.Matching("DELETE", "/batches/"));
        Assert.Equal($"/batches/{handle.JobId}", delete.PathAndQuery);
        Assert.Equal("serverless", delete.Headers["X-Requested-By"]);
        Assert.Equal(SparkJobState.Cancelled, cancelled.State);
        Assert.Equal(SparkJobState.Cancelled, later.State);

        // Livy forgets a deleted batch, so the log is read before the DELETE and kept with the state.
        Assert.Equal(31, later.LogTail.Count);
        Assert.Equal("state running", later.LogTail[^1]);
    }

    [Fact]
    public async Task CancelJobAsync_SucceededBatch_LeavesItSucceededAndSendsNoDelete()
    {
        SparkJobHandle handle = await this.backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));
        await this.PollUntilFinalAsync(handle);

        SparkJobStatus afterCancel = await this.backend.CancelJobAsync(handle);
        SparkJobStatus later = await this.backend.GetStatusAsync(handle);

        Assert.Empty(this.server.Matching("DELETE", "/batches/"));
        Assert.Equal(SparkJobState.Succeeded, afterCancel.State);
        Assert.Equal(SparkJobState.Succeeded, later.State);
    }

    [Fact]
    public async Task GetStatusAsync_SucceededBatchExpiredAfterStateRetain_StillReportsSucceeded()
    {
        SparkJobHandle handle = await this.backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));
        SparkJobStatus first = await this.PollUntilFinalAsync(handle);

        // Livy forgets the finished batch after livy.server.session.state-retain.sec (600 s by default).
        this.livy.Advance(TimeSpan.FromSeconds(601));
        int requestsBefore = this.server.Requests.Count;
        SparkJobStatus later = await this.CreateBackend().GetStatusAsync(handle);

        Assert.Equal(SparkJobState.Succeeded, first.State);
        Assert.Equal(SparkJobState.Succeeded, later.State);
        Assert.Equal(first.LogTail, later.LogTail);
        Assert.Equal(first.AppId, later.AppId);
        Assert.Equal(requestsBefore, this.server.Requests.Count);
        Assert.Equal(404, this.livy.Handle(new RecordedRequest("GET", $"/batches/{handle.JobId}", string.Empty, new Dictionary<string, string>(), string.Empty, DateTimeOffset.UtcNow)).Status);
    }

    [Fact]
    public async Task GetStatusAsync_BatchLivyForgotBeforeAnyPollSawItEnd_ReportsLost()
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
        Assert.Equal(SparkJobState.Running, status.State);
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
    public async Task StartJobAsync_TooManySessions400_IsRetriedAndCreatesOneBatch()
    {
        this.livy.RejectPosts = 2;

        SparkJobHandle handle = await this.backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));

        Assert.Equal(3, this.server.Matching("POST", "/batches").Count);
        Assert.Equal(1, this.livy.Created);
        Assert.Equal("101", handle.JobId);
    }

    [Fact]
    public async Task StartJobAsync_TooManySessionsEveryTime_FailsAfterTheRetriesWithLivysMessage()
    {
        this.livy.RejectPosts = 100;

        var error = await Assert.ThrowsAsync<SparkBackendException>(() => this.CreateBackend(retries: 2).StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k")));

        Assert.Equal(3, this.server.Matching("POST", "/batches").Count);
        Assert.Contains("too many sessions", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, this.livy.Created);
    }

    [Fact]
    public async Task GetStatusAsync_503Once_IsRetried()
    {
        SparkJobHandle handle = await this.backend.StartJobAsync(SqlSpec(), AzuriteFixture.UniqueName("k"));
        this.server.Faults.Enqueue(("GET", "/batches/", new FakeResponse(503)));

        SparkJobStatus status = await this.backend.GetStatusAsync(handle);

        Assert.Equal(2, this.server.Matching("GET", "/batches/").Count);
        Assert.Equal(SparkJobState.Running, status.State);
    }

    [Fact]
    public async Task StartJobAsync_500OnSubmit_IsNotRetriedAndTheNextSubmitLooksTheBatchUpByNameBeforePostingAgain()
    {
        string key = AzuriteFixture.UniqueName("k");
        string name = LivyBatchProtocol.BatchName(SqlSpec(), key);
        this.server.Faults.Enqueue(("POST", "/batches", new FakeResponse(500, new JsonObject { ["msg"] = "boom" })));

        var error = await Assert.ThrowsAsync<SparkBackendException>(() => this.backend.StartJobAsync(SqlSpec(), key));
        SparkJobHandle handle = await this.backend.StartJobAsync(SqlSpec(), key);

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, error.Status);
        Assert.Equal(["POST /batches", "GET /version", $"GET /batches/{name}", "POST /batches"], this.server.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        Assert.Equal(1, this.livy.Created);
        Assert.Equal("101", handle.JobId);
    }

    [Fact]
    public async Task StartJobAsync_400OnSubmit_LetsTheNextSubmitPostAgainWithoutALookup()
    {
        string key = AzuriteFixture.UniqueName("k");
        this.server.Faults.Enqueue(("POST", "/batches", new FakeResponse(400, new JsonObject { ["msg"] = "Rejected, Reason: file is required" })));

        await Assert.ThrowsAsync<SparkBackendException>(() => this.backend.StartJobAsync(SqlSpec(), key));
        await this.backend.StartJobAsync(SqlSpec(), key);

        Assert.Equal(["POST /batches", "POST /batches"], this.server.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
    }

    [Fact]
    public async Task StartJobAsync_CrashAfterLivyCreatedTheBatch_RecoversTheBatchByNameWithoutASecondPost()
    {
        string key = AzuriteFixture.UniqueName("k");
        string name = LivyBatchProtocol.BatchName(SqlSpec(), key);

        await using FakeClusterServer hanging = await this.HangingAfterCreateAsync(out Task created);
        await Assert.ThrowsAnyAsync<Exception>(() => this.CreateBackend(hanging.BaseUri).StartJobAsync(SqlSpec(), key));
        await created;

        SparkJobHandle recovered = await this.CreateBackend(hanging.BaseUri).StartJobAsync(SqlSpec(), key);

        Assert.Single(hanging.Matching("POST", "/batches"));

        // Livy 0.6+ reads a batch by name: one call, not a walk through the list.
        Assert.Single(hanging.Requests, r => r.Method == "GET" && r.Path == $"/batches/{name}");
        Assert.DoesNotContain(hanging.Requests, r => r.Method == "GET" && r.Path == "/batches");
        Assert.Equal("101", recovered.JobId);
        Assert.Equal(1, this.livy.Created);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0.5.0-incubating")]
    public async Task StartJobAsync_Livy05CrashAfterLivyCreatedTheBatch_RefusesToSubmitTwice(string? configuredVersion)
    {
        this.livy = new FakeLivy("0.5.0-incubating");
        string key = AzuriteFixture.UniqueName("k");

        await using FakeClusterServer hanging = await this.HangingAfterCreateAsync(out Task created);
        await Assert.ThrowsAnyAsync<Exception>(() => this.CreateBackend(hanging.BaseUri, version: configuredVersion).StartJobAsync(SqlSpec(), key));
        await created;

        var error = await Assert.ThrowsAsync<SparkBackendException>(() => this.CreateBackend(hanging.BaseUri, version: configuredVersion).StartJobAsync(SqlSpec(), key));

        Assert.Single(hanging.Matching("POST", "/batches"));
        Assert.Equal(1, this.livy.Created);
        Assert.Contains("before 0.6", error.Message, StringComparison.Ordinal);
        Assert.Contains("new key", error.Message, StringComparison.Ordinal);

        // The version is probed only when it is not configured.
        Assert.Equal(configuredVersion is null ? 1 : 0, hanging.Matching("GET", "/version").Count);
    }

    [Fact]
    public async Task StartJobAsync_SameKeyFromTwoHostsAtOnce_CreatesOneBatchAndBothGetIt()
    {
        string key = AzuriteFixture.UniqueName("k");

        SparkJobHandle[] handles = await Task.WhenAll(
            Task.Run(() => this.CreateBackend().StartJobAsync(SqlSpec(), key)),
            Task.Run(() => this.CreateBackend().StartJobAsync(SqlSpec(), key)));

        Assert.Equal(handles[0], handles[1]);
        Assert.Equal(1, this.livy.Created);
    }

    [Fact]
    public async Task StartJobAsync_DuplicateName400_AdoptsTheBatchOfThatName()
    {
        // Another host of the same task posted first (its record write raced ours): Livy 0.6+ refuses the second name.
        string key = AzuriteFixture.UniqueName("k");
        int existing = this.livy.CreateBatch(LivyBatchProtocol.BatchName(SqlSpec(), key));

        SparkJobHandle handle = await this.backend.StartJobAsync(SqlSpec(), key);

        Assert.Equal(existing.ToString(System.Globalization.CultureInfo.InvariantCulture), handle.JobId);
        Assert.Single(this.server.Matching("POST", "/batches"));
        Assert.Equal(1, this.livy.Created);
        Assert.Equal(handle, await this.CreateBackend().StartJobAsync(SqlSpec(), key));
    }

    [Theory]
    [InlineData("0.5.0-incubating", false)]
    [InlineData("0.5.0", false)]
    [InlineData("0.6.0-incubating", true)]
    [InlineData("0.7.1-incubating", true)]
    [InlineData("0.9.0-incubating", true)]
    [InlineData("1.0.0", true)]
    [InlineData("unknown", false)]
    [InlineData("", false)]
    public void HasBatchNames_Version_IsTrueFrom06(string version, bool expected) =>
        Assert.Equal(expected, LivyBatchProtocol.HasBatchNames(version));

    [Fact]
    public async Task Secrets_ServerEchoesCredentials_NeverAppearInStatusExceptionOrRecord()
    {
        string key = AzuriteFixture.UniqueName("k");
        this.server.Faults.Enqueue(("POST", "/batches", new FakeResponse(400, new JsonObject { ["msg"] = $"bad request from {BasicAuth} password={Password}" })));
        var error = await Assert.ThrowsAsync<SparkBackendException>(() => this.backend.StartJobAsync(SqlSpec(), key));
        this.livy.ExtraLogLine = $"using password {Password}";
        SparkJobHandle handle = await this.backend.StartJobAsync(SqlSpec(), key);
        SparkJobStatus running = await this.backend.GetStatusAsync(handle);
        SparkJobStatus done = await this.backend.GetStatusAsync(handle);

        TableEntity record = (await this.account.Tables.GetTableClient(SparkResourceNames.JobsTable).GetEntityAsync<TableEntity>("livy", key)).Value;
        string everything = string.Join("\n", [error.Message, error.ToString(), running.Message, .. running.LogTail, done.Message, .. done.LogTail, .. record.Select(p => p.Value?.ToString())]);

        Assert.Equal(SparkJobState.Succeeded, done.State);
        Assert.Contains("***", error.Message, StringComparison.Ordinal);
        Assert.Contains("using password ***", done.LogTail);
        Assert.DoesNotContain(Password, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(BasicAuth["Basic ".Length..], everything, StringComparison.Ordinal);
    }

    private static SparkJobSpec SqlSpec() => new("flights-report", SparkJobKind.Sql)
    {
        Inputs = [new SparkJobInput("flights", "data/in/flights.parquet", SparkDataFormat.Parquet)],
        Sql = "SELECT * FROM flights WHERE distance < 200",
        Outputs = [new SparkJobOutput("x", "data/out/x", SparkDataFormat.Parquet)],
    };

    private async Task<SparkJobStatus> PollUntilFinalAsync(SparkJobHandle handle)
    {
        for (int i = 0; i < 20; i++)
        {
            SparkJobStatus status = await this.backend.GetStatusAsync(handle);
            if (status.IsTerminal)
            {
                return status;
            }
        }

        throw new TimeoutException($"Batch {handle.JobId} did not finish within 20 polls.");
    }

    /// <summary>A server in front of the fake where Livy creates the batch but its answer never arrives (the process dies or the connection drops).</summary>
    private Task<FakeClusterServer> HangingAfterCreateAsync(out Task created)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        created = signal.Task;
        return FakeClusterServer.StartAsync(r =>
        {
            if (r.Method == "POST" && !signal.Task.IsCompleted)
            {
                this.livy.Handle(r);
                signal.TrySetResult();
                return new FakeResponse(201) { Delay = TimeSpan.FromSeconds(30) };
            }

            return this.livy.Handle(r);
        });
    }

    private LivySparkBackend CreateBackend(Uri? endpoint = null, string? version = null, int retries = 5) => new(
        SparkHttp.Create(SparkHttpClientNames.Livy),
        this.account,
        new LivySparkOptions
        {
            Endpoint = endpoint ?? this.server.BaseUri,
            UserName = "admin",
            Password = Password,
            ServerVersion = version,
            RejectedSubmitRetries = retries,
            RejectedSubmitRetryDelay = TimeSpan.FromMilliseconds(10),
        },
        new SparkOptions().ClusterPathTemplate);
}
