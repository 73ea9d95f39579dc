using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Serverless.Spark.Diagnostics;
using Serverless.Spark.Http;
using Serverless.Spark.Jobs;
using Serverless.Spark.Records;

namespace Serverless.Spark.Backends.Livy;

/// <summary>
/// The Livy batches protocol shared by Livy/HDInsight and Synapse, with the idempotency Livy lacks: the key → batch
/// mapping is written to the <c>SparkJobs</c> table before the submit (state <c>Submitting</c>, with a batch name
/// derived from the key) and after it (with the batch id). A submit that finds a <c>Submitting</c> record — the
/// previous attempt crashed or lost the answer between the two writes — lists the batches and adopts the one with
/// that name, and only submits again when none exists.
/// </summary>
internal sealed class LivyBatchProtocol
{
    private const string Submitting = "Submitting";
    private readonly SparkRestClient rest;
    private readonly Uri batchesUri;
    private readonly string? query;
    private readonly string backend;
    private readonly SparkJobRecordStore records;
    private readonly ClusterJobStaging staging;
    private readonly int pageSize;
    private readonly ILogger logger;

    /// <summary>Initializes a new instance of the <see cref="LivyBatchProtocol"/> class.</summary>
    /// <param name="rest">The REST client.</param>
    /// <param name="batchesUri">The batches collection, for example <c>https://host/livy/batches</c>.</param>
    /// <param name="query">A query string added to every call (Synapse: <c>detailed=true</c>), or null.</param>
    /// <param name="backend">The backend name.</param>
    /// <param name="records">The jobs table.</param>
    /// <param name="staging">Prepares specs for the cluster.</param>
    /// <param name="pageSize">The page size when listing batches.</param>
    /// <param name="logger">The logger.</param>
    public LivyBatchProtocol(SparkRestClient rest, Uri batchesUri, string? query, string backend, SparkJobRecordStore records, ClusterJobStaging staging, int pageSize, ILogger logger)
    {
        this.rest = rest;
        this.batchesUri = new Uri(batchesUri.AbsoluteUri.TrimEnd('/'));
        this.query = query;
        this.backend = backend;
        this.records = records;
        this.staging = staging;
        this.pageSize = Math.Max(1, pageSize);
        this.logger = logger;
    }

    /// <summary>Returns the batch name derived from a job name and key, unique per key.</summary>
    /// <param name="spec">The spec.</param>
    /// <param name="key">The key.</param>
    /// <returns>The name.</returns>
    public static string BatchName(SparkJobSpec spec, string key) =>
        $"{(spec.Name.Length > 60 ? spec.Name[..60] : spec.Name)}-{SparkIdempotencyKey.Hash(key, 16)}";

    /// <summary>Submits a batch once per key.</summary>
    /// <param name="spec">The validated spec.</param>
    /// <param name="key">The idempotency key.</param>
    /// <param name="completeBody">Adds backend-specific fields to the request body.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The handle.</returns>
    public async Task<SparkJobHandle> StartJobAsync(SparkJobSpec spec, string key, Action<JsonObject> completeBody, CancellationToken cancellationToken)
    {
        string name = BatchName(spec, key);
        SparkJobRecord? record = await this.records.GetAsync(this.backend, key, cancellationToken).ConfigureAwait(false);
        bool existed = record is not null;
        if (record is null)
        {
            record = new SparkJobRecord
            {
                PartitionKey = this.backend,
                RowKey = key,
                JobName = spec.Name,
                BatchName = name,
                State = Submitting,
                SubmittedAt = DateTimeOffset.UtcNow,
            };
            if (!await this.records.TryAddAsync(record, cancellationToken).ConfigureAwait(false))
            {
                record = await this.records.GetAsync(this.backend, key, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"The job record of key '{key}' vanished during submit.");
                existed = true;
            }
        }

        if (record.JobId.Length > 0)
        {
            Logs.JobAlreadySubmitted(this.logger, this.backend, record.JobId, key);
            return new SparkJobHandle(this.backend, record.JobId, key);
        }

        if (existed)
        {
            // A record from an earlier attempt without a batch id: that attempt may have created the batch.
            string? found = await this.FindBatchByNameAsync(record.BatchName ?? name, cancellationToken).ConfigureAwait(false);
            if (found is not null)
            {
                Logs.BatchRecovered(this.logger, this.backend, key, found, record.BatchName ?? name);
                await this.RecordBatchAsync(record, found, cancellationToken).ConfigureAwait(false);
                return new SparkJobHandle(this.backend, found, key);
            }

            Logs.BatchNotFoundResubmitting(this.logger, this.backend, key, record.BatchName ?? name);
        }

        ClusterProgram program = await this.staging.PrepareAsync(spec, key, cancellationToken).ConfigureAwait(false);
        var body = new JsonObject
        {
            ["name"] = record.BatchName ?? name,
            ["file"] = program.File,
        };
        if (program.ClassName is not null)
        {
            body["className"] = program.ClassName;
        }

        AddArray(body, "args", program.Args);
        AddArray(body, "pyFiles", program.PyFiles);
        AddArray(body, "jars", program.Jars);
        if (spec.Conf.Count > 0)
        {
            var conf = new JsonObject();
            foreach ((string k, string v) in spec.Conf)
            {
                conf[k] = v;
            }

            body["conf"] = conf;
        }

        if (spec.Resources is { } r)
        {
            SetIfNotNull(body, "driverMemory", r.DriverMemory);
            SetIfNotNull(body, "driverCores", r.DriverCores);
            SetIfNotNull(body, "executorMemory", r.ExecutorMemory);
            SetIfNotNull(body, "executorCores", r.ExecutorCores);
            SetIfNotNull(body, "numExecutors", r.Executors);
        }

        completeBody(body);

        // Not retried on 5xx or network errors: Livy might have created the batch; the next submit recovers it by name.
        JsonNode? created = await this.rest.SendAsync(HttpMethod.Post, this.Uri(null), body, retryAnyTransient: false, cancellationToken).ConfigureAwait(false)
            ?? throw new SparkBackendException($"{this.backend}: POST batches answered 404; check the endpoint.");
        string id = created["id"]?.ToString() ?? throw new SparkBackendException($"{this.backend}: the created batch has no id.");
        await this.RecordBatchAsync(record, id, cancellationToken).ConfigureAwait(false);
        SparkTelemetry.JobsSubmitted.Add(1, new KeyValuePair<string, object?>("backend", this.backend));
        Logs.JobSubmitted(this.logger, spec.Name, this.backend, id, key);
        return new SparkJobHandle(this.backend, id, key);
    }

    /// <summary>Reads a batch; null when the service no longer knows it.</summary>
    /// <param name="id">The batch id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The batch JSON or null.</returns>
    public async Task<JsonObject?> GetBatchAsync(string id, CancellationToken cancellationToken) =>
        (await this.rest.SendAsync(HttpMethod.Get, this.Uri(CheckId(id)), null, true, cancellationToken).ConfigureAwait(false)) as JsonObject;

    /// <summary>Reads the last lines of a batch log.</summary>
    /// <param name="id">The batch id.</param>
    /// <param name="lines">How many lines.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The lines.</returns>
    public async Task<IReadOnlyList<string>> GetLogTailAsync(string id, int lines, CancellationToken cancellationToken)
    {
        JsonNode? log = await this.rest.SendAsync(HttpMethod.Get, this.Uri(CheckId(id) + "/log", $"size={lines}"), null, true, cancellationToken).ConfigureAwait(false);
        return log?["log"] is JsonArray array ? [.. array.Select(l => l?.ToString() ?? string.Empty)] : [];
    }

    /// <summary>Deletes (kills) a batch.</summary>
    /// <param name="id">The batch id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the batch existed.</returns>
    private async Task<bool> DeleteBatchAsync(string id, CancellationToken cancellationToken) =>
        await this.rest.SendAsync(HttpMethod.Delete, this.Uri(CheckId(id)), null, true, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>Kills a batch and records the cancellation; when the service no longer knows the batch, returns its forgotten-batch status instead.</summary>
    /// <param name="handle">The handle.</param>
    /// <param name="service">The service name for messages.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Null when the batch was deleted and the cancellation recorded; otherwise the status of the forgotten batch.</returns>
    public async Task<SparkJobStatus?> CancelBatchAsync(SparkJobHandle handle, string service, CancellationToken cancellationToken)
    {
        if (!await this.DeleteBatchAsync(handle.JobId, cancellationToken).ConfigureAwait(false))
        {
            return await this.ForgottenBatchStatusAsync(handle, service, cancellationToken).ConfigureAwait(false);
        }

        await this.RecordCancelledAsync(handle.IdempotencyKey, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>Records that a job was cancelled, so a status after Livy forgot the deleted batch still says cancelled.</summary>
    /// <param name="key">The idempotency key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    private async Task RecordCancelledAsync(string key, CancellationToken cancellationToken)
    {
        if (!SparkIdempotencyKey.IsValid(key))
        {
            return;
        }

        SparkJobRecord? record = await this.records.GetAsync(this.backend, key, cancellationToken).ConfigureAwait(false);
        if (record is not null)
        {
            record.State = nameof(SparkJobState.Cancelled);
            record.CompletedAt = DateTimeOffset.UtcNow;
            await this.records.UpsertAsync(record, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Returns the status of a batch the service no longer knows: cancelled when we deleted it, otherwise lost.</summary>
    /// <param name="handle">The handle.</param>
    /// <param name="service">The service name for the message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status.</returns>
    public async Task<SparkJobStatus> ForgottenBatchStatusAsync(SparkJobHandle handle, string service, CancellationToken cancellationToken)
    {
        SparkJobRecord? record = SparkIdempotencyKey.IsValid(handle.IdempotencyKey)
            ? await this.records.GetAsync(this.backend, handle.IdempotencyKey, cancellationToken).ConfigureAwait(false)
            : null;
        return record?.State == nameof(SparkJobState.Cancelled) && record.JobId == handle.JobId
            ? new SparkJobStatus(handle.JobId, SparkJobState.Cancelled) { Message = "Deleted (killed) on request." }
            : new SparkJobStatus(handle.JobId, SparkJobState.Lost) { Message = $"{service} no longer knows this batch (restarted without recovery, or the batch expired)." };
    }

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

    private async Task RecordBatchAsync(SparkJobRecord record, string id, CancellationToken cancellationToken)
    {
        record.JobId = id;
        record.State = nameof(SparkJobState.Pending);
        await this.records.UpsertAsync(record, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string?> FindBatchByNameAsync(string name, CancellationToken cancellationToken)
    {
        for (int from = 0; ; from += this.pageSize)
        {
            JsonNode? page = await this.rest.SendAsync(HttpMethod.Get, this.Uri(null, $"from={from}&size={this.pageSize}"), null, true, cancellationToken).ConfigureAwait(false);
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

            int total = page["total"]?.GetValue<int>() ?? 0;
            if (from + sessions.Count >= total)
            {
                return null;
            }
        }
    }

    private Uri Uri(string? relative, string? extraQuery = null)
    {
        string path = relative is null ? this.batchesUri.AbsoluteUri : this.batchesUri.AbsoluteUri + "/" + relative;
        string?[] parts = [extraQuery, this.query];
        string q = string.Join('&', parts.Where(p => !string.IsNullOrEmpty(p)));
        return new Uri(q.Length == 0 ? path : path + "?" + q);
    }
}
