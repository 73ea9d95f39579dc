using System.Globalization;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Serverless.Spark.Backends.Local;
using Serverless.Spark.Dialect;
using Serverless.Spark.Hosting;
using Serverless.Spark.Jobs;
using Serverless.Spark.Records;
using Serverless.Spark.Tests.Support;
using Serverless.Storage.Connection;
using Serverless.Testing;

namespace Serverless.Spark.Tests.Local;

[Collection(AzuriteCollection.Name)]
public sealed class LocalSparkBackendTests : IAsyncLifetime
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(60);
    private readonly AzuriteFixture azurite;
    private readonly StorageAccount account;
    private readonly string tempDirectory = Path.Combine(Path.GetTempPath(), AzuriteFixture.UniqueName("spark"));
    private LocalSparkBackend backend = null!;
    private SparkJobClient client = null!;

    public LocalSparkBackendTests(AzuriteFixture azurite)
    {
        this.azurite = azurite;
        this.account = azurite.CreateAccount();
    }

    public async Task InitializeAsync()
    {
        await FlightsData.EnsureUploadedAsync(this.account, this.azurite.ConnectionString);
        this.backend = this.CreateBackend();
        this.client = new SparkJobClient(this.backend, new SparkJobSpecValidator("data", this.account.Blobs.Uri));
    }

    public async Task DisposeAsync()
    {
        await this.backend.DisposeAsync();
        if (Directory.Exists(this.tempDirectory))
        {
            Directory.Delete(this.tempDirectory, recursive: true);
        }
    }

    public static TheoryData<string, string> ExerciseQueries => new()
    {
        { "phl_dfw_late", "origin = 'PHL' AND destination = 'DFW' AND delay > 150" },
        { "short_hops", "distance < 200" },
        { "long_haul", "distance > 600" },
    };

    [Theory]
    [MemberData(nameof(ExerciseQueries))]
    public async Task StartJobAsync_ExerciseQueryOnFlights_WritesTheRowsDuckDbComputesDirectly(string name, string predicate)
    {
        string output = $"data/tests/{AzuriteFixture.UniqueName(name)}/out/";
        SparkJobSpec spec = FlightsSpec(name, $"SELECT * FROM flights WHERE {predicate}", output, SparkDataFormat.Parquet);

        SparkJobStatus status = await this.RunToEndAsync(spec);

        // Oracle: the same predicate evaluated by the test on the local file.
        object?[] expected = DuckDbOracle.Row(
            $"SELECT count(*), coalesce(sum(delay), 0), coalesce(min(distance), 0), coalesce(max(distance), 0) FROM read_parquet({DuckDbOracle.Literal(FlightsData.FlightsFile)}) WHERE {predicate}");
        string part = await this.DownloadSinglePartAsync(output, ".parquet");
        object?[] actual = DuckDbOracle.Row(
            $"SELECT count(*), coalesce(sum(delay), 0), coalesce(min(distance), 0), coalesce(max(distance), 0) FROM read_parquet({DuckDbOracle.Literal(part)})");

        Assert.Equal(SparkJobState.Succeeded, status.State);
        Assert.True(Convert.ToInt64(expected[0], CultureInfo.InvariantCulture) > 0, "the oracle found no rows; the query would prove nothing");
        Assert.Equal(expected.Select(Normalize), actual.Select(Normalize));
        Assert.Equal(Convert.ToInt64(expected[0], CultureInfo.InvariantCulture), status.RowsWritten);
        Assert.True(await this.BlobExistsAsync(output + "_SUCCESS"));
    }

    [Fact]
    public async Task StartJobAsync_JoinWithCsvToCsvOutput_MatchesDirectComputation()
    {
        string output = $"data/tests/{AzuriteFixture.UniqueName("routes")}/out/";
        var spec = new SparkJobSpec("routes", SparkJobKind.Sql)
        {
            Inputs =
            [
                new SparkJobInput("flights", "data/" + FlightsData.FlightsBlob, SparkDataFormat.Parquet),
                new SparkJobInput("airports", "data/" + FlightsData.AirportsBlob, SparkDataFormat.Csv),
            ],
            Sql = """
                CREATE TEMPORARY VIEW late AS SELECT origin, destination, delay FROM flights WHERE delay > 60;
                SELECT l.origin, a.name AS origin_name, count(*) AS flights
                FROM late l JOIN airports a ON a.iata = l.origin
                GROUP BY l.origin, a.name
                """,
            Outputs = [new SparkJobOutput("by_origin", output, SparkDataFormat.Csv)],
        };

        SparkJobStatus status = await this.RunToEndAsync(spec);

        object?[] expected = DuckDbOracle.Row(
            $"""
            SELECT count(*), sum(n) FROM (
              SELECT f.origin, count(*) AS n FROM read_parquet({DuckDbOracle.Literal(FlightsData.FlightsFile)}) f
              JOIN read_csv({DuckDbOracle.Literal(FlightsData.AirportsFile)}, header = true) a ON a.iata = f.origin
              WHERE f.delay > 60 GROUP BY f.origin, a.name)
            """);
        string part = await this.DownloadSinglePartAsync(output, ".csv");
        object?[] actual = DuckDbOracle.Row($"SELECT count(*), sum(flights) FROM read_csv({DuckDbOracle.Literal(part)}, header = true)");
        Assert.Equal(SparkJobState.Succeeded, status.State);
        Assert.Equal(expected.Select(Normalize), actual.Select(Normalize));
    }

    [Fact]
    public async Task StartJobAsync_SameKeyTwice_ReturnsTheSameJobAndRunsOnce()
    {
        string output = $"data/tests/{AzuriteFixture.UniqueName("idem")}/out/";
        SparkJobSpec spec = FlightsSpec("idem", "SELECT * FROM flights WHERE distance < 100", output, SparkDataFormat.Json);
        string key = AzuriteFixture.UniqueName("key");

        SparkJobHandle first = await this.client.StartJobAsync(spec, key);
        SparkJobHandle second = await this.client.StartJobAsync(spec, key);
        await this.WaitAsync(first);

        // A third submit after completion, from a different host instance, must not start anything either.
        await using LocalSparkBackend other = this.CreateBackend();
        SparkJobHandle third = await other.StartJobAsync(spec, key);
        SparkJobStatus afterThird = await other.GetStatusAsync(third);

        Assert.Equal(first, second);
        Assert.Equal(first, third);
        Assert.Equal(SparkJobState.Succeeded, afterThird.State);
        Assert.Equal(1, afterThird.Metrics[SparkJobMetrics.StagedDownloads] + afterThird.Metrics[SparkJobMetrics.StagedCacheHits]);
    }

    [Fact]
    public async Task StartJobAsync_SameUnchangedInputTwice_SecondJobHitsTheStagedInputCache()
    {
        string output = $"data/tests/{AzuriteFixture.UniqueName("cache")}/";
        SparkJobStatus first = await this.RunToEndAsync(FlightsSpec("c1", "SELECT count(*) AS n FROM flights", output + "a/", SparkDataFormat.Csv));
        SparkJobStatus second = await this.RunToEndAsync(FlightsSpec("c2", "SELECT count(*) AS n FROM flights", output + "b/", SparkDataFormat.Csv));

        Assert.Equal(SparkJobState.Succeeded, second.State);
        Assert.Equal(1, second.Metrics[SparkJobMetrics.StagedCacheHits]);
        Assert.Equal(0, second.Metrics[SparkJobMetrics.StagedDownloads]);
        Assert.Equal(1, first.Metrics[SparkJobMetrics.StagedCacheHits] + first.Metrics[SparkJobMetrics.StagedDownloads]);
    }

    [Fact]
    public async Task StartJobAsync_BadSql_FailsWithTheErrorAndRemovesTempFiles()
    {
        SparkJobSpec spec = FlightsSpec("bad", "SELECT no_such_column FROM flights", $"data/tests/{AzuriteFixture.UniqueName("bad")}/", SparkDataFormat.Csv);

        SparkJobStatus status = await this.RunToEndAsync(spec);

        Assert.Equal(SparkJobState.Failed, status.State);
        Assert.Contains("no_such_column", status.Message, StringComparison.Ordinal);
        Assert.Contains(status.LogTail, l => l.Contains("no_such_column", StringComparison.Ordinal));
        Assert.Empty(Directory.Exists(this.backend.JobsDirectory) ? Directory.GetFileSystemEntries(this.backend.JobsDirectory) : []);
    }

    [Theory]
    [InlineData("SELECT * FROM read_csv('/etc/hostname')")]
    [InlineData("COPY (SELECT 1 AS one) TO '/tmp/escaped-by-a-job.csv'; SELECT 1 AS one")]
    [InlineData("SET enable_external_access = true; SELECT 1 AS one")]
    [InlineData("ATTACH '/tmp/other.duckdb'; SELECT 1 AS one")]
    public async Task StartJobAsync_SqlReachingOutsideItsFolder_FailsWithoutTouchingTheHost(string sql)
    {
        // DuckDB SQL on purpose: the Spark dialect refuses these at validation, so the sandbox is tested behind it.
        SparkJobSpec spec = FlightsSpec("escape", sql, $"data/tests/{AzuriteFixture.UniqueName("escape")}/", SparkDataFormat.Csv) with { Dialect = SqlDialect.DuckDb };

        SparkJobStatus status = await this.RunToEndAsync(spec);

        Assert.Equal(SparkJobState.Failed, status.State);
        Assert.Matches("disabled by configuration|configuration has been locked", status.Message);
        Assert.False(File.Exists("/tmp/escaped-by-a-job.csv"));
    }

    [Fact]
    public async Task StartJobAsync_ErrorIfExistsOnExistingOutput_Fails()
    {
        string output = $"data/tests/{AzuriteFixture.UniqueName("exists")}/";
        await this.account.Blobs.GetBlobContainerClient("data").GetBlobClient(output["data/".Length..] + "old.csv").UploadAsync(BinaryData.FromString("x"));
        SparkJobSpec spec = FlightsSpec("exists", "SELECT 1 AS one", output, SparkDataFormat.Csv);
        spec = spec with { Outputs = [spec.Outputs[0] with { Mode = SparkWriteMode.ErrorIfExists }] };

        SparkJobStatus status = await this.RunToEndAsync(spec);

        Assert.Equal(SparkJobState.Failed, status.State);
        Assert.Contains("errorifexists", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartJobAsync_OverwriteOutput_ReplacesOldParts()
    {
        string output = $"data/tests/{AzuriteFixture.UniqueName("over")}/";
        await this.account.Blobs.GetBlobContainerClient("data").GetBlobClient(output["data/".Length..] + "part-old.csv").UploadAsync(BinaryData.FromString("x"));

        SparkJobStatus status = await this.RunToEndAsync(FlightsSpec("over", "SELECT 1 AS one", output, SparkDataFormat.Csv));

        Assert.Equal(SparkJobState.Succeeded, status.State);
        Assert.False(await this.BlobExistsAsync(output + "part-old.csv"));
        Assert.True(await this.BlobExistsAsync(output + "part-00000.csv"));
    }

    [Fact]
    public async Task StartJobAsync_InputIsFolderOfParts_ReadsEveryPartAndSkipsMarkers()
    {
        string root = $"tests/{AzuriteFixture.UniqueName("parts")}/";
        string folder = root + "in/";
        BlobContainerClient data = this.account.Blobs.GetBlobContainerClient("data");
        await data.GetBlobClient(folder + "part-00000.csv").UploadAsync(BinaryData.FromString("x\n1\n2\n"));
        await data.GetBlobClient(folder + "part-00001.csv").UploadAsync(BinaryData.FromString("x\n3\n"));
        await data.GetBlobClient(folder + "_SUCCESS").UploadAsync(BinaryData.Empty);
        var spec = new SparkJobSpec("parts", SparkJobKind.Sql)
        {
            Inputs = [new SparkJobInput("numbers", "data/" + folder, SparkDataFormat.Csv)],
            Sql = "SELECT sum(x) AS total, count(*) AS n FROM numbers",
            Outputs = [new SparkJobOutput("total", $"data/{root}out/", SparkDataFormat.Csv)],
        };

        SparkJobStatus status = await this.RunToEndAsync(spec);

        Assert.Equal(SparkJobState.Succeeded, status.State);
        string part = await this.DownloadSinglePartAsync(spec.Outputs[0].Location, ".csv");
        Assert.Equal("total,n\n6,3\n", File.ReadAllText(part));
    }

    [Fact]
    public async Task CancelJobAsync_QueuedJob_EndsCancelled()
    {
        // One slot, taken by a slow job, so the second job is still waiting when it is cancelled.
        await using LocalSparkBackend single = this.CreateBackend(o => o.MaxConcurrentJobs = 1);
        SparkJobSpec slow = FlightsSpec("slow", "SELECT a.origin, count(*) FROM flights a CROSS JOIN range(20) GROUP BY a.origin", $"data/tests/{AzuriteFixture.UniqueName("slow")}/", SparkDataFormat.Csv);
        SparkJobSpec queued = FlightsSpec("queued", "SELECT 1 AS one", $"data/tests/{AzuriteFixture.UniqueName("queued")}/", SparkDataFormat.Csv);
        SparkJobHandle slowHandle = await single.StartJobAsync(slow, AzuriteFixture.UniqueName("k"));
        SparkJobHandle queuedHandle = await single.StartJobAsync(queued, AzuriteFixture.UniqueName("k"));

        SparkJobStatus afterCancel = await single.CancelJobAsync(queuedHandle);
        SparkJobStatus slowCancelled = await single.CancelJobAsync(slowHandle);
        SparkJobStatus recorded = await Poll.UntilAsync(() => this.backend.GetStatusAsync(queuedHandle), s => s.IsTerminal, JobTimeout, "the cancelled job's record");

        Assert.Equal(SparkJobState.Cancelled, afterCancel.State);
        Assert.Equal(SparkJobState.Cancelled, recorded.State);
        Assert.True(slowCancelled.State is SparkJobState.Cancelled or SparkJobState.Succeeded, $"slow job ended {slowCancelled.State}");
    }

    [Fact]
    public async Task GetStatusAsync_JobOfAHostThatStopped_ReportsLostInsteadOfRunning()
    {
        string key = AzuriteFixture.UniqueName("crashed");
        var records = new SparkJobRecordStore(this.account);
        await records.TryAddAsync(
            new SparkJobRecord
            {
                PartitionKey = "local",
                RowKey = key,
                JobId = key,
                JobName = "crashed",
                State = nameof(SparkJobState.Running),
                Owner = "host-that-crashed",
                HeartbeatAt = DateTimeOffset.UtcNow.AddMinutes(-10),
            },
            default);
        string freshKey = AzuriteFixture.UniqueName("alive");
        await records.TryAddAsync(
            new SparkJobRecord { PartitionKey = "local", RowKey = freshKey, JobId = freshKey, JobName = "alive", State = nameof(SparkJobState.Running), Owner = "other-host", HeartbeatAt = DateTimeOffset.UtcNow },
            default);

        SparkJobStatus lost = await this.backend.GetStatusAsync(new SparkJobHandle("local", key, key));
        SparkJobStatus lostAgain = await this.CreateBackend().GetStatusAsync(new SparkJobHandle("local", key, key));
        SparkJobStatus alive = await this.backend.GetStatusAsync(new SparkJobHandle("local", freshKey, freshKey));
        SparkJobStatus unknown = await this.backend.GetStatusAsync(new SparkJobHandle("local", "never-submitted", "never-submitted"));

        Assert.Equal(SparkJobState.Lost, lost.State);
        Assert.Contains("host-that-crashed", lost.Message, StringComparison.Ordinal);
        Assert.Equal(SparkJobState.Lost, lostAgain.State);
        Assert.Equal(SparkJobState.Running, alive.State);
        Assert.Equal(SparkJobState.Lost, unknown.State);
    }

    [Fact]
    public async Task DisposeAsync_WhileJobRuns_RecordsTheJobAsLost()
    {
        LocalSparkBackend doomed = this.CreateBackend();
        SparkJobSpec slow = FlightsSpec("doomed", "SELECT a.origin, count(*) FROM flights a CROSS JOIN range(50) GROUP BY a.origin", $"data/tests/{AzuriteFixture.UniqueName("doomed")}/", SparkDataFormat.Csv);
        SparkJobHandle handle = await doomed.StartJobAsync(slow, AzuriteFixture.UniqueName("k"));
        await Poll.UntilAsync(() => doomed.GetStatusAsync(handle), s => s.State != SparkJobState.Pending, JobTimeout, "the job to start");

        await doomed.DisposeAsync();
        SparkJobStatus after = await this.backend.GetStatusAsync(handle);

        Assert.True(after.State is SparkJobState.Lost or SparkJobState.Succeeded, $"state {after.State}");
        Assert.NotEqual(SparkJobState.Running, after.State);
    }

    [Fact]
    public async Task StartJobAsync_PySparkWithoutSparkHome_IsRejectedWithAClearMessage()
    {
        await using LocalSparkBackend noSpark = this.CreateBackend(o => o.SparkHome = null);
        var localClient = new SparkJobClient(noSpark, new SparkJobSpecValidator());
        var spec = new SparkJobSpec("py", SparkJobKind.PySpark) { File = "scripts/job.py" };

        var error = await Assert.ThrowsAsync<SparkJobValidationException>(() => localClient.StartJobAsync(spec, "k1"));

        Assert.Contains("kind 'pyspark' cannot run on the 'local' backend", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartJobAsync_PySparkWithSparkHome_RunsSparkSubmitWithTheStagedScript()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // A stand-in spark-submit that records its arguments: no Spark install exists on the build machines.
        string sparkHome = Path.Combine(this.tempDirectory, "spark-home");
        Directory.CreateDirectory(Path.Combine(sparkHome, "bin"));
        string argsFile = Path.Combine(this.tempDirectory, "args.txt");
        string script = Path.Combine(sparkHome, "bin", "spark-submit");
        await File.WriteAllTextAsync(script, $"#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > '{argsFile}'\nhead -c 5 \"$5\" >> '{argsFile}'\necho submitted\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string scriptBlob = $"tests/{AzuriteFixture.UniqueName("py")}/job.py";
        await this.account.Blobs.GetBlobContainerClient("data").GetBlobClient(scriptBlob).UploadAsync(BinaryData.FromString("print('hello')\n"));
        await using LocalSparkBackend withSpark = this.CreateBackend(o => o.SparkHome = sparkHome);
        var spec = new SparkJobSpec("py", SparkJobKind.PySpark) { File = "data/" + scriptBlob, Args = ["--day", "2026-11-24"] };

        SparkJobHandle handle = await withSpark.StartJobAsync(spec, AzuriteFixture.UniqueName("k"));
        SparkJobStatus status = await Poll.UntilAsync(() => withSpark.GetStatusAsync(handle), s => s.IsTerminal, JobTimeout, "spark-submit to finish");

        Assert.Equal(SparkJobState.Succeeded, status.State);
        Assert.Contains("submitted", status.LogTail);
        string[] args = File.ReadAllLines(argsFile);
        Assert.Equal(["--master", "local[*]", "--name", "py"], args[..4]);
        Assert.EndsWith("job.py", args[4], StringComparison.Ordinal);
        Assert.Equal(["--day", "2026-11-24", "print"], args[5..8]);
    }

    private static SparkJobSpec FlightsSpec(string name, string sql, string output, SparkDataFormat format) => new(name, SparkJobKind.Sql)
    {
        Inputs = [new SparkJobInput("flights", "data/" + FlightsData.FlightsBlob, SparkDataFormat.Parquet)],
        Sql = sql,
        Outputs = [new SparkJobOutput("result", output, format)],
    };

    private static string Normalize(object? value) => decimal.Parse(Convert.ToString(value, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture).ToString("0.######", CultureInfo.InvariantCulture);

    private LocalSparkBackend CreateBackend(Action<LocalSparkOptions>? configure = null)
    {
        var options = new LocalSparkOptions { TempDirectory = this.tempDirectory, MemoryLimit = "1GB", SparkHome = null };
        configure?.Invoke(options);
        return new LocalSparkBackend(this.account, options);
    }

    private async Task<SparkJobStatus> RunToEndAsync(SparkJobSpec spec)
    {
        SparkJobHandle handle = await this.client.StartJobAsync(spec, AzuriteFixture.UniqueName("key"));
        return await this.WaitAsync(handle);
    }

    private Task<SparkJobStatus> WaitAsync(SparkJobHandle handle) =>
        Poll.UntilAsync(() => this.client.GetStatusAsync(handle), s => s.IsTerminal, JobTimeout, $"job {handle.JobId} to finish");

    private async Task<bool> BlobExistsAsync(string location) =>
        await this.account.Blobs.GetBlobContainerClient("data").GetBlobClient(location["data/".Length..]).ExistsAsync();

    private async Task<string> DownloadSinglePartAsync(string outputLocation, string extension)
    {
        BlobContainerClient data = this.account.Blobs.GetBlobContainerClient("data");
        var parts = new List<string>();
        await foreach (BlobItem item in data.GetBlobsAsync(BlobTraits.None, BlobStates.None, outputLocation["data/".Length..], default))
        {
            if (item.Name.EndsWith(extension, StringComparison.Ordinal))
            {
                parts.Add(item.Name);
            }
        }

        string part = Assert.Single(parts);
        string local = Path.Combine(this.tempDirectory, "downloads", Guid.NewGuid().ToString("N") + extension);
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        await data.GetBlobClient(part).DownloadToAsync(local);
        return local;
    }
}
