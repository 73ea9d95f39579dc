using System.Diagnostics;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;
using Serverless.Spark.Data;
using Serverless.Spark.Dialect;
using Serverless.Spark.Diagnostics;
using Serverless.Spark.Hosting;
using Serverless.Spark.Jobs;

namespace Serverless.Spark.Backends.Local;

/// <summary>
/// Runs one <c>sql</c> job in-process on DuckDB: stage input blobs to local files (or take them from the staged-input
/// cache), register each input as a view, run the statements, COPY each output to a part file, upload it.
/// </summary>
internal sealed class LocalSqlJobRunner
{
    private readonly BlobServiceClient blobs;
    private readonly StagedInputCache cache;
    private readonly LocalSparkOptions options;
    private readonly ILogger logger;

    /// <summary>Initializes a new instance of the <see cref="LocalSqlJobRunner"/> class.</summary>
    /// <param name="blobs">The account's blob service.</param>
    /// <param name="cache">The staged-input cache.</param>
    /// <param name="options">The local backend settings.</param>
    /// <param name="logger">The logger.</param>
    public LocalSqlJobRunner(BlobServiceClient blobs, StagedInputCache cache, LocalSparkOptions options, ILogger logger)
    {
        this.blobs = blobs;
        this.cache = cache;
        this.options = options;
        this.logger = logger;
    }

    /// <summary>Runs the job; throws on failure. Temporary files go under <paramref name="jobDirectory"/>, which the caller removes.</summary>
    /// <param name="spec">The validated spec.</param>
    /// <param name="jobDirectory">A fresh folder for this job.</param>
    /// <param name="log">Receives log lines.</param>
    /// <param name="metrics">Receives metrics as they become known.</param>
    /// <param name="cancellationToken">Cancels the job.</param>
    /// <returns>A task.</returns>
    public async Task RunAsync(SparkJobSpec spec, string jobDirectory, Action<string> log, IDictionary<string, long> metrics, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();

        // Spark SQL is rewritten before any work, so a refusal names the line and nothing is staged for it.
        bool spark = (spec.Dialect ?? SqlDialect.Spark) == SqlDialect.Spark;
        IReadOnlyList<string> statements = spark ? SparkSqlDialect.Translate(spec.Sql ?? string.Empty) : SqlStatementSplitter.Split(spec.Sql ?? string.Empty);
        Uri endpoint = this.blobs.Uri;
        var outputs = spec.Outputs.Select(o => (Output: o, Location: DataLocation.Parse(o.Location, endpoint).AsFolder)).ToList();

        // Fail before any work when an errorifexists output already holds data.
        foreach (var (output, location) in outputs.Where(o => o.Output.Mode == SparkWriteMode.ErrorIfExists))
        {
            await foreach (BlobItem _ in this.Container(location).GetBlobsAsync(BlobTraits.None, BlobStates.None, location.Path, cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"output '{output.Name}': '{location}' already holds data and the mode is errorifexists.");
            }
        }

        var views = new List<string>();
        foreach (SparkJobInput input in spec.Inputs)
        {
            IReadOnlyList<string> files = await this.StageInputAsync(input, DataLocation.Parse(input.Location, endpoint), jobDirectory, log, metrics, cancellationToken).ConfigureAwait(false);
            views.Add($"CREATE VIEW {QuoteIdentifier(input.Name)} AS SELECT * FROM {ReadFunction(input, files)}");
        }

        string outDirectory = Path.Combine(jobDirectory, "out");
        string spillDirectory = Path.Combine(jobDirectory, "spill");
        Directory.CreateDirectory(outDirectory);
        Directory.CreateDirectory(spillDirectory);
        var written = new List<(SparkJobOutput Output, DataLocation Location, string File, long Rows)>();

        // DuckDB calls block; run them off the caller's thread so the pool of jobs stays responsive.
        await Task.Run(
            () =>
            {
                using var connection = new DuckDBConnection("Data Source=:memory:");
                connection.Open();
                Execute(connection, $"SET memory_limit = {QuoteLiteral(this.options.MemoryLimit)}", cancellationToken);
                Execute(connection, $"SET temp_directory = {QuoteLiteral(spillDirectory)}", cancellationToken);
                if (spark)
                {
                    // The Spark functions the job calls, as macros, and Spark's arithmetic, in the UTC session time zone clusters default to.
                    SparkSqlDialect.Register(connection, statements);
                }

                foreach (string view in views)
                {
                    Execute(connection, view, cancellationToken);
                }

                // Job SQL runs inside the host process: it may touch only its own folder and the staged inputs, may not
                // load extensions or attach databases, and cannot undo this (the configuration is locked).
                string[] allowed = [jobDirectory, .. this.cache.Enabled ? [this.cache.Directory] : Array.Empty<string>()];
                string list = string.Join(", ", allowed.Select(d => QuoteLiteral(Path.TrimEndingDirectorySeparator(Path.GetFullPath(d)) + "/")));
                Execute(connection, $"SET allowed_directories = [{list}]", cancellationToken);
                Execute(connection, "SET enable_external_access = false", cancellationToken);
                Execute(connection, "SET lock_configuration = true", cancellationToken);

                bool lastIsQuery = outputs.Any(o => o.Output.Table is null);
                int leading = lastIsQuery ? statements.Count - 1 : statements.Count;
                for (int i = 0; i < leading; i++)
                {
                    Execute(connection, statements[i], cancellationToken);
                }

                foreach (var (output, location) in outputs)
                {
                    string query = output.Table is null ? statements[^1] : $"SELECT * FROM {QuoteIdentifier(output.Table)}";
                    string file = Path.Combine(outDirectory, output.Name, "part-00000" + Extension(output.Format));
                    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                    long rows = Execute(connection, $"COPY ({query}) TO {QuoteLiteral(file)} {CopyOptions(output)}", cancellationToken);
                    written.Add((output, location, file, rows));
                }
            },
            cancellationToken).ConfigureAwait(false);

        long totalRows = 0;
        long totalBytes = 0;
        foreach (var (output, location, file, rows) in written)
        {
            BlobContainerClient container = this.Container(location);
            if (output.Mode == SparkWriteMode.Overwrite)
            {
                await DeleteFolderAsync(container, location.Path, cancellationToken).ConfigureAwait(false);
            }

            long bytes = new FileInfo(file).Length;
            await container.GetBlobClient(location.Path + Path.GetFileName(file))
                .UploadAsync(file, new BlobUploadOptions { TransferOptions = StagedInputCache.TransferOptions }, cancellationToken)
                .ConfigureAwait(false);

            // The marker Spark writes too: downstream readers and sensors know the folder is complete.
            await container.GetBlobClient(location.Path + "_SUCCESS").UploadAsync(BinaryData.Empty, overwrite: true, cancellationToken).ConfigureAwait(false);
            log($"output {output.Name}: {rows} rows, {bytes} bytes to {location}");
            totalRows += rows;
            totalBytes += bytes;
        }

        metrics[SparkJobMetrics.RowsWritten] = totalRows;
        metrics[SparkJobMetrics.BytesWritten] = totalBytes;
        metrics[SparkJobMetrics.DurationMs] = clock.ElapsedMilliseconds;
    }

    /// <summary>Quotes an SQL identifier.</summary>
    /// <param name="name">The identifier.</param>
    /// <returns>The quoted identifier.</returns>
    internal static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Quotes an SQL string literal.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The literal.</returns>
    internal static string QuoteLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Extension(SparkDataFormat format) => "." + format.ToString();

    private static bool Option(IReadOnlyDictionary<string, string> options, string key, bool fallback) =>
        options.TryGetValue(key, out string? value) ? string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) : fallback;

    private static string Delimiter(IReadOnlyDictionary<string, string> options) =>
        options.TryGetValue("delimiter", out string? d) || options.TryGetValue("sep", out d) ? d : ",";

    private static string ReadFunction(SparkJobInput input, IReadOnlyList<string> files)
    {
        string list = "[" + string.Join(", ", files.Select(QuoteLiteral)) + "]";
        if (input.Format == SparkDataFormat.Parquet)
        {
            return $"read_parquet({list})";
        }

        if (input.Format == SparkDataFormat.Json)
        {
            return $"read_json_auto({list}, format = 'newline_delimited')";
        }

        // Header defaults to true here and in the runner script, so one spec reads the same columns everywhere.
        string header = Option(input.Options, "header", fallback: true) ? "true" : "false";
        return $"read_csv({list}, header = {header}, delim = {QuoteLiteral(Delimiter(input.Options))}, auto_detect = true)";
    }

    private static string CopyOptions(SparkJobOutput output)
    {
        if (output.Format == SparkDataFormat.Parquet)
        {
            return "(FORMAT parquet)";
        }

        if (output.Format == SparkDataFormat.Json)
        {
            return "(FORMAT json)";
        }

        string header = Option(output.Options, "header", fallback: true) ? "true" : "false";
        return $"(FORMAT csv, HEADER {header}, DELIMITER {QuoteLiteral(Delimiter(output.Options))})";
    }

    /// <summary>Runs one statement; for COPY the result is the number of rows written.</summary>
    private static long Execute(DuckDBConnection connection, string sql, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = sql;
        using CancellationTokenRegistration registration = cancellationToken.Register(command.Cancel);
        try
        {
            return command.ExecuteNonQuery();
        }
        catch (DuckDBException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private static async Task DeleteFolderAsync(BlobContainerClient container, string prefix, CancellationToken cancellationToken)
    {
        await foreach (BlobItem item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
        {
            await container.DeleteBlobIfExistsAsync(item.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private BlobContainerClient Container(DataLocation location) => this.blobs.GetBlobContainerClient(location.Container);

    private async Task<IReadOnlyList<string>> StageInputAsync(
        SparkJobInput input,
        DataLocation location,
        string jobDirectory,
        Action<string> log,
        IDictionary<string, long> metrics,
        CancellationToken cancellationToken)
    {
        BlobContainerClient container = this.Container(location);
        var blobsToStage = new List<(string Name, Azure.ETag ETag, long Size)>();
        if (!location.IsFolder)
        {
            BlobClient exact = container.GetBlobClient(location.Path);
            try
            {
                BlobProperties properties = await exact.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                blobsToStage.Add((location.Path, properties.ETag, properties.ContentLength));
            }
            catch (Azure.RequestFailedException e) when (e.Status == 404)
            {
                // Not a blob: read it as a folder of part files.
            }
        }

        if (blobsToStage.Count == 0)
        {
            string prefix = location.AsFolder.Path;
            await foreach (BlobItem item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
            {
                string leaf = item.Name[(item.Name.LastIndexOf('/') + 1)..];

                // Spark's markers and hidden files (_SUCCESS, _committed, .crc) are not data.
                if (leaf.StartsWith('_') || leaf.StartsWith('.') || item.Properties.ContentLength is 0)
                {
                    continue;
                }

                blobsToStage.Add((item.Name, item.Properties.ETag!.Value, item.Properties.ContentLength ?? 0));
            }
        }

        if (blobsToStage.Count == 0)
        {
            throw new InvalidOperationException($"input '{input.Name}': no data at '{location}'.");
        }

        var files = new string[blobsToStage.Count];
        int hits = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, blobsToStage.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var (name, etag, size) = blobsToStage[i];
                (string path, bool hit) = await this.cache.StageAsync(container.GetBlobClient(name), etag, Extension(input.Format), jobDirectory, ct).ConfigureAwait(false);
                files[i] = path;
                if (hit)
                {
                    Interlocked.Increment(ref hits);
                }

                Logs.InputStaged(this.logger, location.Container + "/" + name, hit ? "cache hit" : "downloaded", size);
            }).ConfigureAwait(false);

        long bytes = blobsToStage.Sum(b => b.Size);
        Add(metrics, SparkJobMetrics.BytesRead, bytes);
        Add(metrics, SparkJobMetrics.StagedCacheHits, hits);
        Add(metrics, SparkJobMetrics.StagedDownloads, blobsToStage.Count - hits);
        SparkTelemetry.StagedCacheHits.Add(hits);
        log($"input {input.Name}: {blobsToStage.Count} blob(s), {bytes} bytes, {hits} from the staged-input cache");
        return files;
    }

    private static void Add(IDictionary<string, long> metrics, string key, long value) =>
        metrics[key] = (metrics.TryGetValue(key, out long current) ? current : 0) + value;
}
