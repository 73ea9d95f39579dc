using System.Diagnostics;
using System.Text.Json.Nodes;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DuckDB.NET.Data;
using Serverless.Spark;
using Serverless.Spark.Backends.Local;
using Serverless.Spark.Hosting;
using Serverless.Spark.Jobs;
using Serverless.Storage.Connection;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>
/// <c>./bench.sh spark</c>: the local backend (submit → succeeded, inputs staged from and outputs uploaded to
/// Azurite) against the least work giving the same result (download the inputs with the Blob SDK, run the same SQL
/// in DuckDB to a local file, upload it), both measured in this run. Each figure is the median of a few repetitions.
/// </summary>
internal sealed class SparkScenario : IBenchmarkScenario
{
    private const int Repetitions = 5;
    private const double Target = 1.3;
    private const string FlightsBlob = "bench/input/flights-3m.parquet";
    private const string AirportsBlob = "bench/input/airports.csv";

    // Same transfer settings as the backend's staging, so the baseline is not slowed by a smaller parallelism.
    private static readonly StorageTransferOptions Transfer = new() { MaximumConcurrency = 8, InitialTransferSize = 4 << 20, MaximumTransferSize = 4 << 20 };

    private static readonly (string Name, string Sql, bool Airports)[] Queries =
    [
        ("phl_dfw_delay_gt_150", "SELECT * FROM flights WHERE origin = 'PHL' AND destination = 'DFW' AND delay > 150", false),
        ("distance_lt_200", "SELECT * FROM flights WHERE distance < 200", false),
        ("distance_gt_600", "SELECT * FROM flights WHERE distance > 600", false),
        (
            "route_count_avg_delay_with_airport_names",
            """
            SELECT f.origin, o.name AS origin_name, f.destination, d.name AS destination_name,
                   count(*) AS flights, avg(f.delay) AS avg_delay
            FROM flights f
            JOIN airports o ON o.iata = f.origin
            JOIN airports d ON d.iata = f.destination
            GROUP BY f.origin, o.name, f.destination, d.name
            """,
            true
        ),
    ];

    /// <inheritdoc/>
    public string Name => "spark";

    /// <inheritdoc/>
    public string Description => "local DuckDB backend vs download + DuckDB + upload on flights-3m.parquet";

    /// <inheritdoc/>
    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        StorageAccount account = StorageAccount.FromConnectionString(context.ConnectionString);
        BlobContainerClient data = account.Blobs.GetBlobContainerClient(SparkResourceNames.DataContainer);
        await data.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        string samples = Path.Combine(BenchmarkContext.RepositoryRoot, "node_modules", "vega-datasets", "data");
        await data.GetBlobClient(FlightsBlob).UploadAsync(Path.Combine(samples, "flights-3m.parquet"), overwrite: true, cancellationToken);
        await data.GetBlobClient(AirportsBlob).UploadAsync(Path.Combine(samples, "airports.csv"), overwrite: true, cancellationToken);

        string temp = Path.Combine(Path.GetTempPath(), "serverless-bench-spark-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var backend = new LocalSparkBackend(account, new LocalSparkOptions { TempDirectory = Path.Combine(temp, "backend"), SparkHome = null });
            var validator = new SparkJobSpecValidator(SparkResourceNames.DataContainer, account.Blobs.Uri);
            var client = new SparkJobClient(backend, validator);

            // The same backend with the staged-input cache off: every job downloads its inputs, like the baseline.
            await using var coldBackend = new LocalSparkBackend(account, new LocalSparkOptions { TempDirectory = Path.Combine(temp, "cold"), StagedInputCacheBytes = 0, SparkHome = null });
            var coldClient = new SparkJobClient(coldBackend, validator);
            int run = 0;
            foreach ((string name, string sql, bool airports) in Queries)
            {
                var backendMs = new List<double>();
                var coldMs = new List<double>();
                var baselineMs = new List<double>();
                long rowsOut = 0;
                long baselineRows = 0;
                long cacheHits = 0;
                long downloads = 0;
                for (int rep = 0; rep < Repetitions; rep++)
                {
                    run++;

                    // Alternate which goes first so neither always runs on a warmer machine.
                    if (rep % 2 == 0)
                    {
                        var baseline = await BaselineAsync(data, sql, airports, Path.Combine(temp, "baseline"), $"bench/baseline/{name}/{run}/", cancellationToken);
                        baselineMs.Add(baseline.Ms);
                        baselineRows = baseline.Rows;
                        Console.Error.WriteLine($"{name} baseline: download {baseline.DownloadMs:0} ms, duckdb {baseline.DuckDbMs:0} ms, upload {baseline.UploadMs:0} ms");
                    }

                    (double coldElapsed, SparkJobStatus coldStatus) = await RunJobAsync(coldClient, Spec(name, sql, airports, $"data/bench/cold/{name}/{run}/"), cancellationToken);
                    Console.Error.WriteLine($"{name} cache off: {coldElapsed:0} ms, inside the job {coldStatus.Metrics.GetValueOrDefault(SparkJobMetrics.DurationMs)} ms");
                    coldMs.Add(coldElapsed);
                    (double elapsed, SparkJobStatus status) = await RunJobAsync(client, Spec(name, sql, airports, $"data/bench/backend/{name}/{run}/"), cancellationToken);
                    backendMs.Add(elapsed);
                    if (coldStatus.RowsWritten != status.RowsWritten)
                    {
                        throw new InvalidOperationException($"{name}: cold and cached runs wrote different row counts.");
                    }

                    rowsOut = status.RowsWritten ?? 0;
                    cacheHits += status.Metrics.GetValueOrDefault(SparkJobMetrics.StagedCacheHits);
                    downloads += status.Metrics.GetValueOrDefault(SparkJobMetrics.StagedDownloads);

                    if (rep % 2 == 1)
                    {
                        var baseline = await BaselineAsync(data, sql, airports, Path.Combine(temp, "baseline"), $"bench/baseline/{name}/{run}/", cancellationToken);
                        baselineMs.Add(baseline.Ms);
                        baselineRows = baseline.Rows;
                        Console.Error.WriteLine($"{name} baseline: download {baseline.DownloadMs:0} ms, duckdb {baseline.DuckDbMs:0} ms, upload {baseline.UploadMs:0} ms");
                    }
                }

                if (rowsOut != baselineRows)
                {
                    throw new InvalidOperationException($"{name}: the backend wrote {rowsOut} rows, the baseline {baselineRows}.");
                }

                double backendMedian = Median(backendMs);
                double baselineMedian = Median(baselineMs);
                double ratio = Math.Round(backendMedian / baselineMedian, 2);
                double coldMedian = Median(coldMs);
                BenchmarkContext.Emit(new JsonObject
                {
                    ["scenario"] = "spark",
                    ["query"] = name,
                    ["backend_ms"] = Math.Round(backendMedian, 1),
                    ["baseline_ms"] = Math.Round(baselineMedian, 1),
                    ["ratio"] = ratio,
                    ["target"] = $"<= {Target}",
                    ["meets_target"] = ratio <= Target,
                    ["rows_out"] = rowsOut,
                    ["repetitions"] = Repetitions,
                    ["backend_ms_all"] = new JsonArray([.. backendMs.Select(m => (JsonNode)Math.Round(m, 1))]),
                    ["baseline_ms_all"] = new JsonArray([.. baselineMs.Select(m => (JsonNode)Math.Round(m, 1))]),
                    ["backend_cache_off_ms"] = Math.Round(coldMedian, 1),
                    ["ratio_cache_off"] = Math.Round(coldMedian / baselineMedian, 2),
                    ["backend_cache_off_ms_all"] = new JsonArray([.. coldMs.Select(m => (JsonNode)Math.Round(m, 1))]),
                    ["staged_input_cache_hit"] = cacheHits > 0,
                    ["staged_cache_hits"] = cacheHits,
                    ["staged_downloads"] = downloads,
                    ["peak_rss_mb"] = BenchmarkContext.PeakRssMb(),
                });
            }
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
        }
    }

    /// <summary>Submit → succeeded: polls the status with no wait beyond a 1 ms yield.</summary>
    private static async Task<(double Ms, SparkJobStatus Status)> RunJobAsync(SparkJobClient client, SparkJobSpec spec, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        SparkJobHandle handle = await client.StartJobAsync(spec, $"bench-{spec.Name}-{Guid.NewGuid():N}", cancellationToken);
        SparkJobStatus status = await client.GetStatusAsync(handle, cancellationToken);
        while (!status.IsTerminal)
        {
            // 1 ms: enough to not spin a core that DuckDB needs, far below the figures measured.
            await Task.Delay(1, cancellationToken);
            status = await client.GetStatusAsync(handle, cancellationToken);
        }

        double elapsed = clock.Elapsed.TotalMilliseconds;
        return status.State == SparkJobState.Succeeded
            ? (elapsed, status)
            : throw new InvalidOperationException($"{spec.Name}: the job ended {status.State}: {status.Message}");
    }

    private static SparkJobSpec Spec(string name, string sql, bool airports, string output) => new(name.Replace('_', '-'), SparkJobKind.Sql)
    {
        Inputs = airports
            ? [new SparkJobInput("flights", "data/" + FlightsBlob, SparkDataFormat.Parquet), new SparkJobInput("airports", "data/" + AirportsBlob, SparkDataFormat.Csv)]
            : [new SparkJobInput("flights", "data/" + FlightsBlob, SparkDataFormat.Parquet)],
        Sql = sql,
        Outputs = [new SparkJobOutput("result", output, SparkDataFormat.Parquet)],
    };

    /// <summary>The least work for the same result: download, DuckDB on local files, upload.</summary>
    private static async Task<(double Ms, long Rows, double DownloadMs, double DuckDbMs, double UploadMs)> BaselineAsync(BlobContainerClient data, string sql, bool airports, string root, string outputPrefix, CancellationToken cancellationToken)
    {
        string dir = Path.Combine(root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var clock = Stopwatch.StartNew();
        try
        {
            string flights = Path.Combine(dir, "flights.parquet");
            string airportsFile = Path.Combine(dir, "airports.csv");
            var options = new BlobDownloadToOptions { TransferOptions = Transfer };
            Task flightsDownload = data.GetBlobClient(FlightsBlob).DownloadToAsync(flights, options, cancellationToken);
            Task airportsDownload = airports ? data.GetBlobClient(AirportsBlob).DownloadToAsync(airportsFile, options, cancellationToken) : Task.CompletedTask;
            await Task.WhenAll(flightsDownload, airportsDownload);
            double downloaded = clock.Elapsed.TotalMilliseconds;
            string output = Path.Combine(dir, "part-00000.parquet");
            long rows = await Task.Run(
                () =>
                {
                    using var connection = new DuckDBConnection("Data Source=:memory:");
                    connection.Open();
                    using DuckDBCommand command = connection.CreateCommand();

                    // The same DuckDB settings as the backend's jobs, so only the work around the query differs.
                    command.CommandText = "SET memory_limit = '2GB'";
                    command.ExecuteNonQuery();
                    command.CommandText = $"CREATE VIEW flights AS SELECT * FROM read_parquet('{flights}')";
                    command.ExecuteNonQuery();
                    if (airports)
                    {
                        command.CommandText = $"CREATE VIEW airports AS SELECT * FROM read_csv('{airportsFile}', header = true)";
                        command.ExecuteNonQuery();
                    }

                    command.CommandText = $"COPY ({sql}) TO '{output}' (FORMAT parquet)";
                    return (long)command.ExecuteNonQuery();
                },
                cancellationToken);
            double queried = clock.Elapsed.TotalMilliseconds;
            await data.GetBlobClient(outputPrefix + "part-00000.parquet").UploadAsync(output, new BlobUploadOptions { TransferOptions = Transfer }, cancellationToken);
            double total = clock.Elapsed.TotalMilliseconds;
            return (total, rows, downloaded, queried - downloaded, total - queried);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
