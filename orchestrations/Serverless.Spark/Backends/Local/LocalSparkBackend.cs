using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Spark.Diagnostics;
using Serverless.Spark.Hosting;
using Serverless.Spark.Jobs;
using Serverless.Spark.Records;
using Serverless.Storage.Connection;

namespace Serverless.Spark.Backends.Local;

/// <summary>
/// The default backend: runs <c>sql</c> jobs in-process on DuckDB with a bounded pool, staging inputs from and
/// outputs to Blob storage; <c>pyspark</c> and <c>jar</c> jobs run through spark-submit when a Spark install is
/// configured. Each job has a record in the <c>SparkJobs</c> table with a heartbeat, so after a host restart its
/// status reads <see cref="SparkJobState.Lost"/> instead of hanging.
/// </summary>
public sealed class LocalSparkBackend : ISparkBackend, ISparkJobCompletionSource, IAsyncDisposable, IDisposable
{
    private const int LogTailLines = 50;
    private readonly StorageAccount account;
    private readonly LocalSparkOptions options;
    private readonly ILogger logger;
    private readonly ISparkTextRedactor? redactor;
    private readonly SparkJobRecordStore records;
    private readonly SemaphoreSlim pool;
    private readonly ConcurrentDictionary<string, LocalJob> jobs = new(StringComparer.Ordinal);
    private readonly LocalSqlJobRunner sqlRunner;
    private readonly string tempRoot;
    private readonly CancellationTokenSource stopping = new();

    /// <summary>Initializes a new instance of the <see cref="LocalSparkBackend"/> class.</summary>
    /// <param name="account">The storage account holding data and the jobs table.</param>
    /// <param name="options">The local backend settings.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="redactor">Masks secrets in job errors before they are kept or logged, or <see langword="null"/>.</param>
    public LocalSparkBackend(StorageAccount account, LocalSparkOptions options, ILogger<LocalSparkBackend>? logger = null, ISparkTextRedactor? redactor = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(options);
        this.account = account;
        this.options = options;
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        this.redactor = redactor;
        this.records = new SparkJobRecordStore(account);
        int slots = options.MaxConcurrentJobs > 0 ? options.MaxConcurrentJobs : Environment.ProcessorCount;
        this.pool = new SemaphoreSlim(slots, slots);
        this.tempRoot = options.TempDirectory ?? Path.Combine(Path.GetTempPath(), "serverless-spark");
        var cache = new StagedInputCache(Path.Combine(this.tempRoot, "staged"), options.StagedInputCacheBytes);
        this.sqlRunner = new LocalSqlJobRunner(account.Blobs, cache, options, this.logger);
        this.SupportedKinds = string.IsNullOrEmpty(options.SparkHome) ? [SparkJobKind.Sql] : [SparkJobKind.Sql, SparkJobKind.PySpark, SparkJobKind.Jar];
        this.HostName = string.IsNullOrWhiteSpace(options.HostName) ? Environment.MachineName : options.HostName;
        this.HostId = this.HostName + "-" + Guid.NewGuid().ToString("N")[..8];
    }

    /// <summary>Gets the stable name of this host (<see cref="LocalSparkOptions.HostName"/>); one process per name runs jobs.</summary>
    public string HostName { get; }

    /// <summary>Gets the id of this host's instance of the backend (<c>{HostName}-{random}</c>); records of jobs it runs carry it.</summary>
    public string HostId { get; }

    /// <inheritdoc/>
    public string Name => SparkBackendNames.Local;

    /// <inheritdoc/>
    public IReadOnlyCollection<SparkJobKind> SupportedKinds { get; }

    /// <summary>Gets the folder under which each job gets a temporary folder (removed when the job ends).</summary>
    public string JobsDirectory => Path.Combine(this.tempRoot, "jobs");

    /// <inheritdoc/>
    public async Task<SparkJobHandle> StartJobAsync(SparkJobSpec spec, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        SparkIdempotencyKey.ThrowIfInvalid(idempotencyKey);
        if (!this.SupportedKinds.Contains(spec.Kind))
        {
            throw new SparkJobValidationException(
                $"kind '{spec.Kind}' cannot run on the local backend without a Spark install: set Spark__Local__SparkHome or SPARK_HOME, or use a cluster backend.");
        }

        var handle = new SparkJobHandle(this.Name, idempotencyKey, idempotencyKey);
        if (this.jobs.ContainsKey(idempotencyKey))
        {
            Logs.JobAlreadySubmitted(this.logger, this.Name, idempotencyKey, idempotencyKey);
            return handle;
        }

        DateTimeOffset now = DateTimeOffset.UtcNow;
        var record = new SparkJobRecord
        {
            PartitionKey = this.Name,
            RowKey = idempotencyKey,
            JobId = idempotencyKey,
            JobName = spec.Name,
            State = nameof(SparkJobState.Pending),
            Owner = this.HostId,
            HeartbeatAt = now,
            SubmittedAt = now,
        };
        if (!await this.records.TryAddAsync(record, cancellationToken).ConfigureAwait(false))
        {
            // The record is the idempotency fence: whoever added it runs the job, every later submit just gets the handle.
            Logs.JobAlreadySubmitted(this.logger, this.Name, idempotencyKey, idempotencyKey);
            return handle;
        }

        var job = new LocalJob(idempotencyKey, spec, record, CancellationTokenSource.CreateLinkedTokenSource(this.stopping.Token));
        if (!this.jobs.TryAdd(idempotencyKey, job))
        {
            job.Cancellation.Dispose();
            return handle;
        }

        SparkTelemetry.JobsSubmitted.Add(1, new KeyValuePair<string, object?>("backend", this.Name));
        Logs.JobSubmitted(this.logger, spec.Name, this.Name, idempotencyKey, idempotencyKey);
        job.Completion = Task.Run(() => this.RunJobAsync(job), CancellationToken.None);
        job.Heartbeat = Task.Run(() => this.HeartbeatAsync(job), CancellationToken.None);
        return handle;
    }

    /// <inheritdoc/>
    public async Task<SparkJobStatus> GetStatusAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (this.jobs.TryGetValue(handle.JobId, out LocalJob? job))
        {
            return job.ToStatus();
        }

        SparkIdempotencyKey.ThrowIfInvalid(handle.JobId);
        SparkJobRecord? record = await this.records.GetAsync(this.Name, handle.JobId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return new SparkJobStatus(handle.JobId, SparkJobState.Lost) { Message = "No record of this job exists in the jobs table." };
        }

        SparkJobStatus status = ToStatus(record);
        if (status.IsTerminal)
        {
            return status;
        }

        // Not running here. Its record says who ran it: an earlier instance of this host (same stable name, other
        // instance id) died with the job, so the job is lost at once; another host's job is lost only when its
        // heartbeat is stale.
        bool restarted = record.Owner is { } owner && owner.StartsWith(this.HostName + "-", StringComparison.Ordinal) && !string.Equals(owner, this.HostId, StringComparison.Ordinal)
            && owner.Length == this.HostId.Length;
        bool stale = record.HeartbeatAt is null || DateTimeOffset.UtcNow - record.HeartbeatAt.Value > this.options.LostAfter;
        if (!restarted && !stale && !string.Equals(record.Owner, this.HostId, StringComparison.Ordinal))
        {
            return status with { Message = $"Running on host {record.Owner}." };
        }

        Logs.JobLost(this.logger, handle.JobId, record.Owner, record.HeartbeatAt);
        record.State = nameof(SparkJobState.Lost);
        record.Message = restarted
            ? $"lost: host restarted (the job ran in {record.Owner}, which is no longer running; this host is {this.HostId})."
            : $"The host that ran the job ({record.Owner}) stopped; last heartbeat {record.HeartbeatAt:O}.";
        record.CompletedAt = DateTimeOffset.UtcNow;
        await this.records.TryReplaceAsync(record, cancellationToken).ConfigureAwait(false);
        return ToStatus(record);
    }

    /// <inheritdoc/>
    public async Task<SparkJobStatus> CancelJobAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        Logs.CancelRequested(this.logger, this.Name, handle.JobId);
        if (this.jobs.TryGetValue(handle.JobId, out LocalJob? job))
        {
            await job.Cancellation.CancelAsync().ConfigureAwait(false);

            // A cancelled DuckDB query stops within milliseconds; wait briefly so the caller usually sees the final state.
            if (job.Completion is { } completion)
            {
                await completion.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }

            return this.jobs.TryGetValue(handle.JobId, out LocalJob? still) ? still.ToStatus() : await this.GetStatusAsync(handle, cancellationToken).ConfigureAwait(false);
        }

        SparkJobRecord? record = await this.records.GetAsync(this.Name, handle.JobId, cancellationToken).ConfigureAwait(false);
        if (record is not null && !ToStatus(record).IsTerminal)
        {
            // Another host runs it: it sees the request on its next heartbeat.
            record.CancelRequested = true;
            await this.records.TryReplaceAsync(record, cancellationToken).ConfigureAwait(false);
        }

        return await this.GetStatusAsync(handle, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public bool WatchCompletion(SparkJobHandle handle, Func<SparkJobStatus, Task> ended)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(ended);
        return this.jobs.TryGetValue(handle.JobId, out LocalJob? job) && job.AddWatcher(ended);
    }

    /// <summary>Stops every running job and records it as lost; for containers disposed synchronously.</summary>
    public void Dispose() => this.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Stops every running job and records it as lost (the host is going away).</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        if (this.stopping.IsCancellationRequested)
        {
            return;
        }

        await this.stopping.CancelAsync().ConfigureAwait(false);
        Task[] running = [.. this.jobs.Values.Select(j => j.Completion ?? Task.CompletedTask)];
        await Task.WhenAll(running).ConfigureAwait(false);
        this.stopping.Dispose();
        this.pool.Dispose();
    }

    internal static SparkJobStatus ToStatus(SparkJobRecord record) =>
        new(record.JobId, Enum.TryParse(record.State, out SparkJobState state) ? state : SparkJobState.Pending)
        {
            Message = record.Message,
            Metrics = record.MetricsJson is null ? new Dictionary<string, long>() : JsonSerializer.Deserialize<Dictionary<string, long>>(record.MetricsJson) ?? [],
            LogTail = record.LogTailJson is null ? [] : JsonSerializer.Deserialize<List<string>>(record.LogTailJson) ?? [],
        };

    private async Task RunJobAsync(LocalJob job)
    {
        CancellationToken token = job.Cancellation.Token;
        string directory = Path.Combine(this.JobsDirectory, SparkIdempotencyKey.Hash(job.Key, 16) + "-" + Guid.NewGuid().ToString("N")[..8]);
        var clock = Stopwatch.StartNew();
        using Activity? activity = SparkTelemetry.ActivitySource.StartActivity("spark.local.job");
        activity?.SetTag("spark.job.name", job.Spec.Name);
        activity?.SetTag("spark.job.id", job.Key);
        bool acquired = false;
        SparkJobState final;
        try
        {
            await this.pool.WaitAsync(token).ConfigureAwait(false);
            acquired = true;
            job.State = SparkJobState.Running;
            await this.WriteRecordAsync(job, r => r.State = nameof(SparkJobState.Running)).ConfigureAwait(false);
            Directory.CreateDirectory(directory);
            if (job.Spec.Kind == SparkJobKind.Sql)
            {
                await this.sqlRunner.RunAsync(job.Spec, directory, job.Log, job.Metrics, token).ConfigureAwait(false);
            }
            else
            {
                await new SparkSubmitRunner(this.options.SparkHome!, this.account.Blobs).RunAsync(job.Spec, directory, job.Log, token).ConfigureAwait(false);
            }

            final = SparkJobState.Succeeded;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            bool hostStopping = this.stopping.IsCancellationRequested;
            final = hostStopping ? SparkJobState.Lost : SparkJobState.Cancelled;
            job.Message = hostStopping ? $"The host {this.HostId} stopped while the job ran." : "Cancelled on request.";
        }
        catch (Exception e)
        {
            final = SparkJobState.Failed;
            // The error may quote the job's SQL, secrets included: mask it before it is kept or logged.
            string message = this.redactor?.Redact(e.Message) ?? e.Message;
            job.Message = message;
            job.Log("error: " + message);
            Logs.JobFailed(this.logger, job.Key, message);
        }
        finally
        {
            if (acquired)
            {
                this.pool.Release();
            }

            try
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Logs.TempCleanupFailed(this.logger, e, directory, job.Key);
            }
        }

        long rows = job.Metrics.TryGetValue(SparkJobMetrics.RowsWritten, out long r) ? r : 0;
        SparkTelemetry.RowsWritten.Add(rows, new KeyValuePair<string, object?>("backend", this.Name));
        SparkTelemetry.JobsCompleted.Add(1, new("backend", this.Name), new("state", final.ToString()));
        Logs.JobFinished(this.logger, job.Key, final.ToString(), clock.ElapsedMilliseconds, rows);
        try
        {
            await this.WriteRecordAsync(job, record =>
            {
                record.State = final.ToString();
                record.Message = job.Message;
                record.CompletedAt = DateTimeOffset.UtcNow;
                record.MetricsJson = JsonSerializer.Serialize(job.Metrics);
                record.LogTailJson = JsonSerializer.Serialize(job.LogTail());
            }).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Status then reads the record's last state and, with no heartbeat, reports the job lost: never hangs.
            Logs.JobFailed(this.logger, job.Key, "could not record the final state: " + e.Message);
        }
        finally
        {
            // Published only now, after the record: whoever sees a final state in memory finds it in the table too.
            job.State = final;
            await job.Cancellation.CancelAsync().ConfigureAwait(false);
            this.jobs.TryRemove(job.Key, out _);
            job.Cancellation.Dispose();
        }

        await this.NotifyWatchersAsync(job).ConfigureAwait(false);
    }

    private async Task NotifyWatchersAsync(LocalJob job)
    {
        SparkJobStatus status = job.ToStatus();
        foreach (Func<SparkJobStatus, Task> watcher in job.CloseWatchers())
        {
            try
            {
                await watcher(status).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Whatever a watcher throws must not fail the job, which already ended.
            catch (Exception e)
#pragma warning restore CA1031
            {
                // A lost notification costs only latency: the watcher's owner polls as a fallback.
                Logs.JobFailed(this.logger, job.Key, "could not report the job's end: " + e.Message);
            }
        }
    }

    private async Task HeartbeatAsync(LocalJob job)
    {
        CancellationToken token = job.Cancellation.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                await Task.Delay(this.options.HeartbeatInterval, token).ConfigureAwait(false);
                SparkJobRecord? current = await this.records.GetAsync(this.Name, job.Key, token).ConfigureAwait(false);
                if (current?.CancelRequested == true)
                {
                    await job.Cancellation.CancelAsync().ConfigureAwait(false);
                    return;
                }

                await this.WriteRecordAsync(job, r => r.HeartbeatAt = DateTimeOffset.UtcNow).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (Azure.RequestFailedException)
        {
            // A missed heartbeat is harmless: the next one or the final write catches up.
        }
    }

    private async Task WriteRecordAsync(LocalJob job, Action<SparkJobRecord> change)
    {
        // Heartbeats and state changes race; one gate per job keeps the record's ETag consistent.
        await job.RecordGate.WaitAsync().ConfigureAwait(false);
        try
        {
            change(job.Record);
            job.Record.HeartbeatAt = DateTimeOffset.UtcNow;
            job.Record.ETag = Azure.ETag.All;
            await this.records.UpsertAsync(job.Record, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            job.RecordGate.Release();
        }
    }

    private sealed class LocalJob(string key, SparkJobSpec spec, SparkJobRecord record, CancellationTokenSource cancellation)
    {
        private readonly Queue<string> log = new();
        private List<Func<SparkJobStatus, Task>>? watchers = [];

        public string Key { get; } = key;

        public SparkJobSpec Spec { get; } = spec;

        public SparkJobRecord Record { get; } = record;

        public CancellationTokenSource Cancellation { get; } = cancellation;

        public SemaphoreSlim RecordGate { get; } = new(1, 1);

        public ConcurrentDictionary<string, long> Metrics { get; } = new(StringComparer.Ordinal);

        public volatile SparkJobState State = SparkJobState.Pending;

        public string? Message { get; set; }

        public Task? Completion { get; set; }

        public Task? Heartbeat { get; set; }

        /// <summary>Adds a watcher unless the job already ended (then the caller reads the status instead).</summary>
        public bool AddWatcher(Func<SparkJobStatus, Task> watcher)
        {
            lock (this.log)
            {
                if (this.watchers is null)
                {
                    return false;
                }

                this.watchers.Add(watcher);
                return true;
            }
        }

        /// <summary>Takes the watchers; later watches are refused, so each watcher is called exactly once.</summary>
        public List<Func<SparkJobStatus, Task>> CloseWatchers()
        {
            lock (this.log)
            {
                var taken = this.watchers ?? [];
                this.watchers = null;
                return taken;
            }
        }

        public void Log(string line)
        {
            lock (this.log)
            {
                this.log.Enqueue(line);
                while (this.log.Count > LogTailLines)
                {
                    this.log.Dequeue();
                }
            }
        }

        public List<string> LogTail()
        {
            lock (this.log)
            {
                return [.. this.log];
            }
        }

        public SparkJobStatus ToStatus() => new(this.Key, this.State)
        {
            Message = this.Message,
            LogTail = this.LogTail(),
            Metrics = new Dictionary<string, long>(this.Metrics),
        };
    }
}
