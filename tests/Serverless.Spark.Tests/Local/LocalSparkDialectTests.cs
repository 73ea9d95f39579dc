using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Serverless.Spark.Backends.Local;
using Serverless.Spark.Dialect;
using Serverless.Spark.Hosting;
using Serverless.Spark.Jobs;
using Serverless.Storage.Connection;
using Serverless.Testing;

namespace Serverless.Spark.Tests.Local;

/// <summary>The local backend runs a job's SQL as Spark SQL, refuses what its dialect cannot run, and runs DuckDB SQL when a job opts out.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class LocalSparkDialectTests : IAsyncLifetime
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(60);
    private readonly StorageAccount account;
    private readonly string tempDirectory = Path.Combine(Path.GetTempPath(), AzuriteFixture.UniqueName("dialect"));
    private LocalSparkBackend backend = null!;
    private SparkJobClient client = null!;

    public LocalSparkDialectTests(AzuriteFixture azurite) => this.account = azurite.CreateAccount();

    public async Task InitializeAsync()
    {
        await this.account.Blobs.GetBlobContainerClient("data").CreateIfNotExistsAsync();
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

    [Fact]
    public async Task StartJobAsync_SparkSql_WritesSparksResult()
    {
        string output = $"data/tests/{AzuriteFixture.UniqueName("spark")}/out/";
        var spec = Spec(
            """
            CREATE TEMPORARY VIEW t AS SELECT * FROM VALUES ('2016-04-08', 'a,b'), ('2016-04-09', NULL) AS t(`day`, tags);
            SELECT date_format(`day`, 'dd.MM.yyyy') AS d, datediff('2016-04-10', `day`) AS age, nvl(tags, '-') AS tags
            FROM t ORDER BY `day`
            """,
            output);

        SparkJobStatus status = await this.RunToEndAsync(spec);

        Assert.True(status.State == SparkJobState.Succeeded, status.Message);
        Assert.Equal("d,age,tags\n08.04.2016,2,\"a,b\"\n09.04.2016,1,-\n", await this.DownloadCsvAsync(output));
    }

    [Fact]
    public async Task StartJobAsync_DuckDbDialect_RunsTheSqlAsWritten()
    {
        string output = $"data/tests/{AzuriteFixture.UniqueName("duckdb")}/out/";
        SparkJobSpec spec = Spec("SELECT strftime(DATE '2016-04-08', '%Y') AS y, [1, 2][1] AS first", output) with { Dialect = SqlDialect.DuckDb };

        SparkJobStatus status = await this.RunToEndAsync(spec);

        Assert.True(status.State == SparkJobState.Succeeded, status.Message);
        Assert.Equal("y,first\n2016,1\n", await this.DownloadCsvAsync(output));
    }

    [Fact]
    public async Task StartJobAsync_UnsupportedSparkFunction_IsRefusedWithItsLineBeforeRunning()
    {
        SparkJobSpec spec = Spec("SELECT 1 AS a,\n       soundex('Miller') AS s", $"data/tests/{AzuriteFixture.UniqueName("refused")}/out/");

        var e = await Assert.ThrowsAsync<SparkJobValidationException>(() => this.client.StartJobAsync(spec, AzuriteFixture.UniqueName("key")));

        Assert.Contains(e.Errors, m => m.StartsWith("sql line 2:", StringComparison.Ordinal) && m.Contains("'soundex'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("SELECT * FROM read_csv('/etc/hostname')", "read_csv")]
    [InlineData("COPY (SELECT 1 AS one) TO '/tmp/escaped-by-a-job.csv'; SELECT 1 AS one", "COPY")]
    [InlineData("SET enable_external_access = true; SELECT 1 AS one", "SET")]
    [InlineData("ATTACH '/tmp/other.duckdb'; SELECT 1 AS one", "ATTACH")]
    public async Task StartJobAsync_DuckDbStatementInSparkSql_IsRefusedBeforeRunning(string sql, string construct)
    {
        SparkJobSpec spec = Spec(sql, $"data/tests/{AzuriteFixture.UniqueName("escape")}/out/");

        var e = await Assert.ThrowsAsync<SparkJobValidationException>(() => this.client.StartJobAsync(spec, AzuriteFixture.UniqueName("key")));

        Assert.Contains(e.Errors, m => m.Contains(construct, StringComparison.Ordinal));
        Assert.False(File.Exists("/tmp/escaped-by-a-job.csv"));
    }

    private LocalSparkBackend CreateBackend() =>
        new(this.account, new LocalSparkOptions { TempDirectory = this.tempDirectory, MemoryLimit = "1GB", SparkHome = null });

    private static SparkJobSpec Spec(string sql, string output) => new("dialect", SparkJobKind.Sql)
    {
        Sql = sql,
        Outputs = [new SparkJobOutput("out", output, SparkDataFormat.Csv)],
    };

    private async Task<SparkJobStatus> RunToEndAsync(SparkJobSpec spec)
    {
        SparkJobHandle handle = await this.client.StartJobAsync(spec, AzuriteFixture.UniqueName("key"));
        return await Poll.UntilAsync(() => this.client.GetStatusAsync(handle), s => s.IsTerminal, JobTimeout, $"job {handle.JobId} to finish");
    }

    private async Task<string> DownloadCsvAsync(string outputLocation)
    {
        BlobContainerClient data = this.account.Blobs.GetBlobContainerClient("data");
        await foreach (BlobItem item in data.GetBlobsAsync(BlobTraits.None, BlobStates.None, outputLocation["data/".Length..], default))
        {
            if (item.Name.EndsWith(".csv", StringComparison.Ordinal))
            {
                return (await data.GetBlobClient(item.Name).DownloadContentAsync()).Value.Content.ToString();
            }
        }

        throw new InvalidOperationException($"no part file under {outputLocation}");
    }
}
