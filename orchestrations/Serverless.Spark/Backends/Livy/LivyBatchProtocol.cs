using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Serverless.Spark.Diagnostics;
using Serverless.Spark.Http;
using Serverless.Spark.Jobs;
using Serverless.Spark.Records;

namespace Serverless.Spark.Backends.Livy;

/// <summary>
/// The Livy batches protocol shared by Livy/HDInsight and Synapse, with the idempotency Livy lacks: the key → batch
/// mapping is written to the <c>SparkJobs</c> table before the submit (state <c>Submitting</c>, then <c>Posting</c>
/// right before the POST, with a batch name derived from the key) and after it (with the batch id). A submit that
/// finds a <c>Posting</c> record — the previous attempt crashed or lost the answer — looks the batch up by name and
/// adopts it, and only submits again when none exists. Livy before 0.6 drops batch names, so there a <c>Posting</c>
/// record stops the submit instead of risking a second run.
/// </summary>
/// <remarks>
/// The first final state read is stored in the record (see <see cref="FinalStatusRecords"/>) and answers every later
/// read and cancel, so a batch Livy forgot after <c>livy.server.session.state-retain.sec</c> still reports how it ended.
/// </remarks>
internal sealed class LivyBatchProtocol
{
    private const string Submitting = "Submitting";
    private const string Posting = "Posting";
    private readonly SparkRestClient rest;
    private readonly Uri batchesUri;
    private readonly Uri versionUri;
    private readonly LivyDialect dialect;
    private readonly string backend;
    private readonly SparkJobRecordStore records;
    private readonly FinalStatusRecords finals;
    private readonly ClusterJobStaging staging;
    private readonly SecretRedactor redactor;
    private readonly ILogger logger;
    private Task<bool>? namesSupported;

    /// <summary>Initializes a new instance of the <see cref="LivyBatchProtocol"/> class.</summary>
    /// <param name="rest">The REST client.</param>
    /// <param name="batchesUri">The batches collection, for example <c>https://host/livy/batches</c>.</param>
    /// <param name="dialect">What this service does differently.</param>
    /// <param name="backend">The backend name.</param>
    /// <param name="records">The jobs table.</param>
    /// <param name="staging">Prepares specs for the cluster.</param>
    /// <param name="redactor">Removes secrets from log lines.</param>
    /// <param name="logger">The logger.</param>
    public LivyBatchProtocol(SparkRestClient rest, Uri batchesUri, LivyDialect dialect, string backend, SparkJobRecordStore records, ClusterJobStaging staging, SecretRedactor redactor, ILogger logger)
    {
        this.rest = rest;
        this.batchesUri = new Uri(batchesUri.AbsoluteUri.TrimEnd('/'));
        this.versionUri = new Uri(this.batchesUri.AbsoluteUri[..this.batchesUri.AbsoluteUri.LastIndexOf('/')] + "/version");
        this.dialect = dialect;
        this.backend = backend;
        this.records = records;
        this.finals = new FinalStatusRecords(records, backend);
        this.staging = staging;
        this.redactor = redactor;
        this.logger = logger;
    }

    /// <summary>Returns the batch name derived from a job name and key, unique per key.</summary>
    /// <param name="spec">The spec.</param>
    /// <param name="key">The key.</param>
    /// <returns>The name.</returns>
    public static string BatchName(SparkJobSpec spec, string key) =>
        $"{(spec.Name.Length > 60 ? spec.Name[..60] : spec.Name)}-{SparkIdempotencyKey.Hash(key, 16)}";

    /// <summary>Returns whether a Livy version string names 0.6 or later (the first with batch names).</summary>
    /// <param name="version">For example <c>0.7.1-incubating</c>.</param>
    /// <returns>Whether batches carry names; false when the text is not a version.</returns>
    public static bool HasBatchNames(string? version)
    {
        string[] parts = (version ?? string.Empty).Split('.', '-');
        return parts.Length >= 2 &&
            int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major) &&
            int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minor) &&
            (major > 0 || minor >= 6);
    }

    /// <summary>Submits a batch once per key.</summary>
    /// <param name="spec">The validated spec.</param>
    /// <param name="key">The idempotency key.</param>
    /// <param name="completeBody">Adds backend-specific fields to the request body.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The handle.</returns>
    public async Task<SparkJobHandle> StartJobAsync(SparkJobSpec spec, string key, Action<JsonObject> completeBody, CancellationToken cancellationToken)
    {
        ClusterProgram? program = null;
        for (int round = 0; ; round++)
        {
            SparkJobRecord record = await this.ReadOrCreateRecordAsync(spec, key, cancellationToken).ConfigureAwait(false);
            if (record.JobId.Length > 0)
            {
                Logs.JobAlreadySubmitted(this.logger, this.backend, record.JobId, key);
                return new SparkJobHandle(this.backend, record.JobId, key);
            }

            string name = record.BatchName ?? BatchName(spec, key);
            if (record.State == Posting)
            {
                // An earlier attempt sent the POST and never recorded the answer: the batch may exist.
                if (await this.AdoptByNameAsync(record, name, cancellationToken).ConfigureAwait(false) is { } adopted)
                {
                    return adopted;
                }

                Logs.BatchNotFoundResubmitting(this.logger, this.backend, key, name);
            }

            program ??= await this.staging.PrepareAsync(spec, key, cancellationToken).ConfigureAwait(false);
            JsonObject body = Body(spec, program, name);
            completeBody(body);

            // Conditional, so of two attempts of one key only one posts; the other reads the record again and follows it.
            record.State = Posting;
            if (!await this.records.TryReplaceAsync(record, cancellationToken).ConfigureAwait(false))
            {
                if (round < 3)
                {
                    continue;
                }

                throw new SparkBackendException($"{this.dialect.Service}: the job record of key '{key}' kept changing during submit; try again.");
            }

            JsonNode? created;
            try
            {
                created = await this.PostAsync(body, cancellationToken).ConfigureAwait(false);
            }
            catch (SparkBackendException e) when (IsDuplicateName(e))
            {
                // Livy 0.6+ refuses a second batch of the same name: a concurrent or earlier submit created ours.
                return await this.AdoptByNameAsync(record, name, cancellationToken).ConfigureAwait(false)
                    ?? throw new SparkBackendException($"{this.dialect.Service}: a batch named '{name}' exists but cannot be read back; not submitting it twice.", e);
            }
            catch (SparkBackendException e) when (e.Status is { } status && (int)status is >= 400 and < 500)
            {
                // A 4xx created nothing, so the next attempt may post again without looking for a batch.
                record.State = Submitting;
                await this.records.UpsertAsync(record, cancellationToken).ConfigureAwait(false);
                throw;
            }

            if (created is null)
            {
                throw new SparkBackendException($"{this.dialect.Service}: POST batches answered 404; check the endpoint.");
            }

            string id = created["id"]?.ToString() ?? throw new SparkBackendException($"{this.dialect.Service}: the created batch has no id.");
            await this.RecordBatchAsync(record, id, cancellationToken).ConfigureAwait(false);
            SparkTelemetry.JobsSubmitted.Add(1, new KeyValuePair<string, object?>("backend", this.backend));
            Logs.JobSubmitted(this.logger, spec.Name, this.backend, id, key);
            return new SparkJobHandle(this.backend, id, key);
        }
    }

    /// <summary>Reads a job's status: the stored final status when there is one, else the batch, storing a final state the first time it is seen.</summary>
    /// <param name="handle">The handle.</param>
    /// <param name="map">Maps the batch id and JSON to a status.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status.</returns>
    public async Task<SparkJobStatus> GetStatusAsync(SparkJobHandle handle, Func<string, JsonObject, SparkJobStatus> map, CancellationToken cancellationToken)
    {
        string id = CheckId(handle.JobId);
        SparkJobRecord? record = await this.finals.GetAsync(handle, cancellationToken).ConfigureAwait(false);
        if (FinalStatusRecords.Stored(record, id) is { } stored)
        {
            return stored;
        }

        JsonObject? batch = await this.GetBatchAsync(id, cancellationToken).ConfigureAwait(false);
        if (batch is null)
        {
            return this.Forgotten(id, record);
        }

        return await this.KeepIfFinalAsync(handle, map(id, batch), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks the service alone (no jobs table) whether a batch still runs; see <see cref="ISparkJobStatusProbe"/>.</summary>
    /// <param name="handle">The handle.</param>
    /// <param name="map">Maps the batch id and JSON to a status.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True while the batch runs; false when it looks ended or is unknown.</returns>
    public async Task<bool> IsRunningAsync(SparkJobHandle handle, Func<string, JsonObject, SparkJobStatus> map, CancellationToken cancellationToken)
    {
        string id = CheckId(handle.JobId);
        JsonObject? batch = await this.GetBatchAsync(id, cancellationToken).ConfigureAwait(false);
        return batch is not null && !map(id, batch).IsTerminal;
    }

    /// <summary>
    /// Kills a running batch. A job whose final state is stored or read keeps it: a DELETE of a finished Livy batch
    /// would only make Livy forget it. Where the service forgets a deleted batch (Apache Livy), Cancelled is stored.
    /// </summary>
    /// <param name="handle">The handle.</param>
    /// <param name="map">Maps the batch id and JSON to a status.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status after the request.</returns>
    public async Task<SparkJobStatus> CancelAsync(SparkJobHandle handle, Func<string, JsonObject, SparkJobStatus> map, CancellationToken cancellationToken)
    {
        SparkJobStatus before = await this.GetStatusAsync(handle, map, cancellationToken).ConfigureAwait(false);
        if (before.IsTerminal)
        {
            return before;
        }

        // Apache Livy forgets the batch with the DELETE, so its log is read first.
        IReadOnlyList<string> log = this.dialect.KeepsCancelledBatches ? before.LogTail : await this.LogTailAsync(handle.JobId, cancellationToken).ConfigureAwait(false) ?? before.LogTail;

        // A batch that ends between the read above and this DELETE is reported cancelled: Livy's answer to the DELETE
        // does not say whether it killed anything.
        bool existed = await this.rest.SendAsync(HttpMethod.Delete, this.Uri(handle.JobId, includeReadQuery: false), null, true, cancellationToken).ConfigureAwait(false) is not null;
        if (!existed || this.dialect.KeepsCancelledBatches)
        {
            // A 404 here is Livy's "already stopped" (or a batch it forgot): read what is left rather than guess.
            return await this.GetStatusAsync(handle, map, cancellationToken).ConfigureAwait(false);
        }

        var cancelled = new SparkJobStatus(handle.JobId, SparkJobState.Cancelled)
        {
            Message = "Deleted (killed) on request.",
            ClusterState = "deleted",
            AppId = before.AppId,
            DriverLogUrl = before.DriverLogUrl,
            SparkUiUrl = before.SparkUiUrl,
            LogTail = log,
            Timestamps = before.Timestamps,
        };
        return await this.finals.KeepFirstAsync(handle, cancelled, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the application links a Livy batch view carries in <c>appInfo</c>.</summary>
    /// <param name="batch">The batch JSON.</param>
    /// <param name="status">The status to complete.</param>
    /// <returns>The status with <c>appId</c>, driver log and Spark UI links.</returns>
    public static SparkJobStatus WithAppInfo(JsonObject batch, SparkJobStatus status) => status with
    {
        AppId = batch["appId"]?.ToString() is { Length: > 0 } appId ? appId : null,
        DriverLogUrl = AbsoluteUri(batch["appInfo"]?["driverLogUrl"]),
        SparkUiUrl = AbsoluteUri(batch["appInfo"]?["sparkUiUrl"]),
    };

    private static Uri? AbsoluteUri(JsonNode? value) =>
        value?.ToString() is { Length: > 0 } text && System.Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) ? uri : null;

    private static JsonObject Body(SparkJobSpec spec, ClusterProgram program, string name)
    {
        var body = new JsonObject
        {
            ["name"] = name,
            ["file"] = program.File,
        };
        if (program.ClassName is not null)
        {
            body["className"] = program.ClassName;
        }

        AddArray(body, "args", program.Args);
        AddArray(body, "pyFiles", program.PyFiles);
        AddArray(body, "jars", program.Jars);
        AddArray(body, "files", program.Files);
        AddArray(body, "archives", program.Archives);
        SetIfNotNull(body, "proxyUser", spec.ProxyUser);
        SetIfNotNull(body, "queue", spec.Queue);
        if (spec.Conf.Count > 0)
        {
            var conf = new JsonObject();
            foreach ((string k, string v) in spec.Conf)
            {
                conf[k] = v;
            }

            body["conf"] = conf;
        }

        // Sizes only when the spec asks: leaving them out keeps the cluster's (or the Synapse pool's) defaults.
        if (spec.Resources is { } r)
        {
            SetIfNotNull(body, "driverMemory", r.DriverMemory);
            SetIfNotNull(body, "driverCores", r.DriverCores);
            SetIfNotNull(body, "executorMemory", r.ExecutorMemory);
            SetIfNotNull(body, "executorCores", r.ExecutorCores);
            SetIfNotNull(body, "numExecutors", r.Executors);
        }

        return body;
    }

    private static bool IsDuplicateName(SparkBackendException e) =>
        e.Status == HttpStatusCode.BadRequest && e.Message.Contains("Duplicate session name", StringComparison.OrdinalIgnoreCase);

    private static bool IsTooManySessions(SparkBackendException e) =>
        e.Status == HttpStatusCode.BadRequest && e.Message.Contains("too many sessions", StringComparison.OrdinalIgnoreCase);

    private static string CheckId(string id) =>
        id.Length is > 0 and <= 20 && id.All(char.IsAsciiDigit) ? id : throw new ArgumentException($"'{id}' is not a batch id.", nameof(id));

    private static void AddArray(JsonObject body, string name, IReadOnlyList<string> values)
    {
        if (values.Count > 0)
        {
            body[name] = ClusterProgram.Array(values);
        }
    }

    private static void SetIfNotNull<T>(JsonObject body, string name, T? value)
    {
        if (value is not null)
        {
            body[name] = JsonValue.Create(value);
        }
    }

    private async Task<SparkJobRecord> ReadOrCreateRecordAsync(SparkJobSpec spec, string key, CancellationToken cancellationToken)
    {
        SparkJobRecord? record = await this.records.GetAsync(this.backend, key, cancellationToken).ConfigureAwait(false);
        if (record is not null)
        {
            return record;
        }

        record = new SparkJobRecord
        {
            PartitionKey = this.backend,
            RowKey = key,
            JobName = spec.Name,
            BatchName = BatchName(spec, key),
            State = Submitting,
            SubmittedAt = DateTimeOffset.UtcNow,
        };
        return await this.records.TryAddAsync(record, cancellationToken).ConfigureAwait(false)
            ? record
            : await this.records.GetAsync(this.backend, key, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The job record of key '{key}' vanished during submit.");
    }

    private async Task<JsonNode?> PostAsync(JsonObject body, CancellationToken cancellationToken)
    {
        TimeSpan delay = this.dialect.RejectedSubmitRetryDelay;
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                // Not retried on 5xx or network errors: Livy might have created the batch; the next submit recovers it by name.
                return await this.rest.SendAsync(HttpMethod.Post, this.Uri(null), body, retryAnyTransient: false, cancellationToken).ConfigureAwait(false);
            }
            catch (SparkBackendException e) when (IsTooManySessions(e) && attempt < this.dialect.RejectedSubmitRetries)
            {
                // Livy answers 400 before it creates anything when livy.server.session.max-creation is reached: safe to wait and retry.
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay *= 2;
            }
        }
    }

    private async Task<SparkJobHandle?> AdoptByNameAsync(SparkJobRecord record, string name, CancellationToken cancellationToken)
    {
        if (!await this.NamesSupportedAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new SparkBackendException(
                $"{this.dialect.Service}: an earlier submit of key '{record.RowKey}' may have created a batch, and this Livy (before 0.6) keeps no batch names " +
                "to find it by; the job is not submitted again so it cannot run twice. Check the cluster's batches, then rerun the task under a new key.");
        }

        string? found = await this.FindBatchByNameAsync(name, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return null;
        }

        Logs.BatchRecovered(this.logger, this.backend, record.RowKey, found, name);
        await this.RecordBatchAsync(record, found, cancellationToken).ConfigureAwait(false);
        return new SparkJobHandle(this.backend, found, record.RowKey);
    }

    private Task<bool> NamesSupportedAsync(CancellationToken cancellationToken)
    {
        if (this.dialect.NamesSupported is { } known)
        {
            return Task.FromResult(known);
        }

        Task<bool> probe = LazyInitializer.EnsureInitialized(ref this.namesSupported, () => this.ProbeVersionAsync(CancellationToken.None));
        return probe.WaitAsync(cancellationToken);
    }

    private async Task<bool> ProbeVersionAsync(CancellationToken cancellationToken)
    {
        try
        {
            JsonNode? answer = await this.rest.SendAsync(HttpMethod.Get, this.versionUri, null, true, cancellationToken).ConfigureAwait(false);
            return HasBatchNames(answer?["version"]?.ToString());
        }
        catch (SparkBackendException)
        {
            // Unknown version: assume the older server, which refuses to guess rather than run a job twice.
            return false;
        }
    }

    private async Task<string?> FindBatchByNameAsync(string name, CancellationToken cancellationToken)
    {
        if (this.dialect.ReadsByName)
        {
            // Livy 0.6+ resolves a non-numeric path segment as a session name: one call instead of paging the list.
            JsonNode? batch = await this.rest.SendAsync(HttpMethod.Get, this.Uri(System.Uri.EscapeDataString(name)), null, true, cancellationToken).ConfigureAwait(false);
            return batch?["id"]?.ToString();
        }

        int size = Math.Max(1, this.dialect.PageSize);
        for (int from = 0; ; )
        {
            JsonNode? page = await this.rest.SendAsync(HttpMethod.Get, this.Uri(null, $"from={from}&size={size}"), null, true, cancellationToken).ConfigureAwait(false);
            if (page?["sessions"] is not JsonArray sessions || sessions.Count == 0)
            {
                return null;
            }

            foreach (JsonNode? session in sessions)
            {
                if (string.Equals(session?["name"]?.ToString(), name, StringComparison.Ordinal))
                {
                    return session!["id"]?.ToString();
                }
            }

            // Advance by what the page held, not by what was asked: a service may cap the page below the size sent.
            from += sessions.Count;
            int total = page["total"]?.GetValue<int>() ?? 0;
            if (from >= total)
            {
                return null;
            }
        }
    }

    private async Task<JsonObject?> GetBatchAsync(string id, CancellationToken cancellationToken) =>
        (await this.rest.SendAsync(HttpMethod.Get, this.Uri(id), null, true, cancellationToken).ConfigureAwait(false)) as JsonObject;

    private async Task<SparkJobStatus> KeepIfFinalAsync(SparkJobHandle handle, SparkJobStatus status, CancellationToken cancellationToken)
    {
        if (!status.IsTerminal)
        {
            return status;
        }

        if (await this.LogTailAsync(handle.JobId, cancellationToken).ConfigureAwait(false) is { } log)
        {
            status = status with { LogTail = log };
        }

        return await this.finals.KeepFirstAsync(handle, status, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<string>?> LogTailAsync(string id, CancellationToken cancellationToken)
    {
        if (this.dialect.LogTailLines <= 0)
        {
            return null;
        }

        // The batch view holds 10 lines; the log endpoint returns the last `size` lines when `from` is left out.
        JsonNode? log = await this.rest.SendAsync(HttpMethod.Get, this.Uri(id + "/log", $"size={this.dialect.LogTailLines}"), null, true, cancellationToken).ConfigureAwait(false);
        return log?["log"] is JsonArray lines ? [.. lines.Select(l => this.redactor.Redact(l?.ToString()))] : null;
    }

    private SparkJobStatus Forgotten(string id, SparkJobRecord? record) =>
        record is { State: nameof(SparkJobState.Cancelled) } && record.JobId == id
            ? new SparkJobStatus(id, SparkJobState.Cancelled) { Message = "Deleted (killed) on request." } // Recorded before final statuses were stored.
            : new SparkJobStatus(id, SparkJobState.Lost)
            {
                Message = $"{this.dialect.Service} no longer knows batch {id} and no final state was recorded (restarted without recovery, or the batch expired before a poll saw it end).",
            };

    private async Task RecordBatchAsync(SparkJobRecord record, string id, CancellationToken cancellationToken)
    {
        record.JobId = id;
        record.State = nameof(SparkJobState.Pending);
        await this.records.UpsertAsync(record, cancellationToken).ConfigureAwait(false);
    }

    private Uri Uri(string? relative, string? extraQuery = null, bool includeReadQuery = true)
    {
        string path = relative is null ? this.batchesUri.AbsoluteUri : this.batchesUri.AbsoluteUri + "/" + relative;
        string?[] parts = [extraQuery, includeReadQuery ? this.dialect.ReadQuery : null];
        string q = string.Join('&', parts.Where(p => !string.IsNullOrEmpty(p)));
        return new Uri(q.Length == 0 ? path : path + "?" + q);
    }
}
