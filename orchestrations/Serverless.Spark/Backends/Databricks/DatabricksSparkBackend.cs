using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Spark.Diagnostics;
using Serverless.Spark.Hosting;
using Serverless.Spark.Http;
using Serverless.Spark.Jobs;
using Serverless.Spark.Records;
using Serverless.Storage.Connection;

namespace Serverless.Spark.Backends.Databricks;

/// <summary>
/// Azure Databricks through the Jobs API 2.2: <c>runs/submit</c> (one task, <c>spark_python_task</c> or
/// <c>spark_jar_task</c>, on an existing cluster or a new one, with <c>idempotency_token</c> and queueing on),
/// <c>runs/get</c> (its <c>status</c> object), <c>runs/get-output</c> of the task run (error, trace, stdout) and
/// <c>runs/cancel</c>, which is asynchronous. Auth by personal access token, or by an Entra ID token when no PAT is
/// configured. The run id and the first final status are kept in the <c>SparkJobs</c> table.
/// </summary>
public sealed partial class DatabricksSparkBackend : ISparkBackend, ISparkJobStatusProbe
{
    private const int LogTailLines = 100;
    private readonly SparkRestClient rest;
    private readonly Uri workspace;
    private readonly DatabricksSparkOptions options;
    private readonly ClusterJobStaging staging;
    private readonly SparkJobRecordStore records;
    private readonly FinalStatusRecords finals;
    private readonly SecretRedactor redactor;
    private readonly ILogger logger;

    /// <summary>Initializes a new instance of the <see cref="DatabricksSparkBackend"/> class.</summary>
    /// <param name="http">An HTTP client from the factory (<see cref="SparkHttpClientNames.Databricks"/>).</param>
    /// <param name="account">The storage account (data, scripts and the jobs table).</param>
    /// <param name="options">The Databricks settings.</param>
    /// <param name="clusterPathTemplate">How the workspace addresses blobs.</param>
    /// <param name="credential">The Entra ID credential, used when <see cref="DatabricksSparkOptions.Token"/> is null.</param>
    /// <param name="logger">The logger.</param>
    public DatabricksSparkBackend(HttpClient http, StorageAccount account, DatabricksSparkOptions options, string clusterPathTemplate, TokenCredential? credential = null, ILogger<DatabricksSparkBackend>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(options);
        this.workspace = options.WorkspaceUrl ?? throw new InvalidOperationException("Spark:Databricks:WorkspaceUrl is not set.");
        this.options = options;
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        this.staging = new ClusterJobStaging(account, clusterPathTemplate);
        this.records = new SparkJobRecordStore(account);
        this.finals = new FinalStatusRecords(this.records, SparkBackendNames.Databricks);
        string? pat = options.Token;
        TokenCache? tokens = pat is null
            ? new TokenCache(credential ?? throw new InvalidOperationException("Spark:Databricks:Token is not set and no Entra ID credential is available."), DatabricksSparkOptions.EntraScope)
            : null;
        this.redactor = new SecretRedactor(pat);
        this.rest = new SparkRestClient(
            http,
            "Databricks",
            async (request, ct) => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", pat ?? await tokens!.GetAsync(ct).ConfigureAwait(false)),
            this.redactor);
    }

    /// <inheritdoc/>
    public string Name => SparkBackendNames.Databricks;

    /// <inheritdoc/>
    public IReadOnlyCollection<SparkJobKind> SupportedKinds { get; } = [SparkJobKind.Sql, SparkJobKind.PySpark, SparkJobKind.Jar];

    /// <summary>Returns the idempotency token for a key (Databricks allows at most 64 characters).</summary>
    /// <param name="key">The key.</param>
    /// <returns>The token.</returns>
    public static string IdempotencyToken(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length <= 64 ? key : SparkIdempotencyKey.Hash(key, 64);
    }

    /// <inheritdoc/>
    public async Task<SparkJobHandle> StartJobAsync(SparkJobSpec spec, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        SparkIdempotencyKey.ThrowIfInvalid(idempotencyKey);
        bool existingCluster = this.options.ExistingClusterId is { Length: > 0 };
        List<string> unsupported = Unsupported(spec, existingCluster);
        if (unsupported.Count > 0)
        {
            throw new SparkJobValidationException([.. unsupported.Select(u => "Databricks does not support " + u)]);
        }

        SparkJobRecord? record = await this.records.GetAsync(this.Name, idempotencyKey, cancellationToken).ConfigureAwait(false);
        if (record is { JobId.Length: > 0 })
        {
            // Known run: answered from the table, which also avoids the error a token of a deleted run would now raise.
            Logs.JobAlreadySubmitted(this.logger, this.Name, record.JobId, idempotencyKey);
            return new SparkJobHandle(this.Name, record.JobId, idempotencyKey);
        }

        ClusterProgram program = await this.staging.PrepareAsync(spec, idempotencyKey, cancellationToken).ConfigureAwait(false);
        JsonObject body = this.Body(spec, program, idempotencyKey);

        // The idempotency token makes a repeated submit return the same run, so every transient failure may be retried.
        JsonNode? answer;
        try
        {
            answer = await this.rest.SendAsync(HttpMethod.Post, this.Api("runs/submit"), body, retryAnyTransient: true, cancellationToken).ConfigureAwait(false);
        }
        catch (SparkBackendException e) when (e.Status is { } status && (int)status is >= 400 and < 500 && status != HttpStatusCode.TooManyRequests &&
                                              e.Message.Contains("idempotency", StringComparison.OrdinalIgnoreCase))
        {
            // "If a run with the provided token is deleted, an error is returned": the token can never start a run again.
            throw new SparkBackendException(
                $"Databricks: the run submitted under key '{idempotencyKey}' was deleted, so its idempotency token cannot start another; rerun the task under a new key. ({e.Message})",
                e);
        }

        if (answer is null)
        {
            throw new SparkBackendException("Databricks: runs/submit answered 404; check the workspace URL.");
        }

        string runId = answer["run_id"]?.ToString() ?? throw new SparkBackendException("Databricks: runs/submit returned no run_id.");
        record ??= new SparkJobRecord { PartitionKey = this.Name, RowKey = idempotencyKey, JobName = spec.Name, SubmittedAt = DateTimeOffset.UtcNow };
        record.JobId = runId;
        record.State = nameof(SparkJobState.Pending);
        await this.records.UpsertAsync(record, cancellationToken).ConfigureAwait(false);
        SparkTelemetry.JobsSubmitted.Add(1, new KeyValuePair<string, object?>("backend", this.Name));
        Logs.JobSubmitted(this.logger, spec.Name, this.Name, runId, idempotencyKey);
        return new SparkJobHandle(this.Name, runId, idempotencyKey);
    }

    /// <inheritdoc/>
    public async Task<SparkJobStatus> GetStatusAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        string runId = CheckId(handle.JobId);
        SparkJobRecord? record = await this.finals.GetAsync(handle, cancellationToken).ConfigureAwait(false);
        if (FinalStatusRecords.Stored(record, runId) is { } stored)
        {
            return stored;
        }

        JsonNode? run = await this.GetIfExistsAsync(this.Api("runs/get", "run_id=" + runId), cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return new SparkJobStatus(handle.JobId, SparkJobState.Lost) { Message = $"Databricks no longer knows run {runId} (deleted, or older than 60 days) and no final state was recorded." };
        }

        bool cancelRequested = record is { CancelRequested: true } && record.JobId == runId;
        SparkJobStatus status = Map(runId, run, cancelRequested);
        status = status with { Message = this.redactor.Redact(status.Message) };
        if (!status.IsTerminal)
        {
            return status;
        }

        status = await this.WithOutputAsync(status, run, cancellationToken).ConfigureAwait(false);
        return await this.finals.KeepFirstAsync(handle, status, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> IsRunningAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        string runId = CheckId(handle.JobId);
        JsonNode? run = await this.GetIfExistsAsync(this.Api("runs/get", "run_id=" + runId), cancellationToken).ConfigureAwait(false);

        // A cancel asked for only changes how an end is named, which the full read decides.
        return run is not null && !Map(runId, run, false).IsTerminal;
    }

    /// <inheritdoc/>
    public async Task<SparkJobStatus> CancelJobAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        Logs.CancelRequested(this.logger, this.Name, handle.JobId);
        SparkJobStatus before = await this.GetStatusAsync(handle, cancellationToken).ConfigureAwait(false);
        if (before.IsTerminal)
        {
            return before;
        }

        SparkJobRecord? record = await this.finals.GetAsync(handle, cancellationToken).ConfigureAwait(false);
        if (record is not null && record.JobId == handle.JobId && !record.CancelRequested)
        {
            // Remembered so the run's later CANCELED (rather than USER_CANCELED) counts as this cancel, not a platform failure.
            record.CancelRequested = true;
            _ = await this.records.TryReplaceAsync(record, cancellationToken).ConfigureAwait(false);
        }

        var body = new JsonObject { ["run_id"] = long.Parse(handle.JobId, CultureInfo.InvariantCulture) };
        await this.rest.SendAsync(HttpMethod.Post, this.Api("runs/cancel"), body, retryAnyTransient: true, cancellationToken).ConfigureAwait(false);

        // runs/cancel is asynchronous: the run may still be running; pollers see it end.
        return await this.GetStatusAsync(handle, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Maps a <c>runs/get</c> answer: the 2.2 <c>status</c>, else the deprecated <c>state</c>.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="run">The run JSON.</param>
    /// <param name="cancelRequested">Whether this backend asked for the cancel.</param>
    /// <returns>The status.</returns>
    internal static SparkJobStatus Map(string runId, JsonNode run, bool cancelRequested)
    {
        SparkJobState state;
        string clusterState;
        string? message;
        if (run["status"] is JsonObject status)
        {
            string? lifeCycle = status["state"]?.ToString();
            string? code = status["termination_details"]?["code"]?.ToString();
            state = DatabricksStates.MapStatus(lifeCycle, code, cancelRequested);
            clusterState = code is null ? lifeCycle ?? string.Empty : $"{lifeCycle}/{code}";
            message = NonEmpty(status["termination_details"]?["message"]) ?? NonEmpty(status["queue_details"]?["message"]);
        }
        else
        {
            string? lifeCycle = run["state"]?["life_cycle_state"]?.ToString();
            string? result = run["state"]?["result_state"]?.ToString();
            state = DatabricksStates.Map(lifeCycle, result);
            clusterState = result is null ? lifeCycle ?? string.Empty : $"{lifeCycle}/{result}";
            message = NonEmpty(run["state"]?["state_message"]);
        }

        var times = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (string field in (string[])["start_time", "end_time"])
        {
            if (run[field] is JsonValue v && v.TryGetValue(out long ms) && ms > 0)
            {
                times[field] = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            }
        }

        return new SparkJobStatus(runId, state)
        {
            Message = message ?? $"Databricks {clusterState}",
            ClusterState = clusterState,
            RunPageUrl = run["run_page_url"]?.ToString() is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out Uri? page) ? page : null,
            Timestamps = times,
        };
    }

    private static string? NonEmpty(JsonNode? value) => value?.ToString() is { Length: > 0 } text ? text : null;

    private static List<string> Unsupported(SparkJobSpec spec, bool existingCluster)
    {
        List<string> problems = [];
        if (spec.Files.Count > 0 || spec.Archives.Count > 0)
        {
            problems.Add("files or archives: a runs/submit task has no such fields.");
        }

        if (spec.ProxyUser is not null || spec.Queue is not null)
        {
            problems.Add("proxyUser or queue: runs use the workspace identity and its own queueing.");
        }

        if (existingCluster && spec.Conf.Count > 0)
        {
            problems.Add("conf on an existing cluster: spark_conf belongs to new_cluster; the existing cluster keeps its own configuration.");
        }

        if (existingCluster && spec.Resources is not null)
        {
            problems.Add("resources on an existing cluster: its size is fixed; remove them or run on a new cluster.");
        }

        foreach (string pyFile in spec.PyFiles.Where(f => !IsPythonLibrary(f)))
        {
            problems.Add($"pyFile '{pyFile}': Python dependencies are installed as libraries, which take .whl (or .egg on runtimes before 14) files.");
        }

        return problems;
    }

    private static bool IsPythonLibrary(string file) =>
        file.EndsWith(".whl", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".egg", StringComparison.OrdinalIgnoreCase);

    private static string CheckId(string id) =>
        id.Length is > 0 and <= 20 && id.All(char.IsAsciiDigit) ? id : throw new ArgumentException($"'{id}' is not a run id.", nameof(id));

    /// <summary>
    /// Matches both not-found answers of runs/get and runs/get-output: "Run 1 does not exist." and "Run 1 in job 2
    /// doesn't exist", whose apostrophe may arrive JSON-escaped (the exception carries the raw body).
    /// </summary>
    [GeneratedRegex(@"Run \d+ (in job \d+ )?(does not|doesn't|doesn\\u0027t) exist", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RunNotFound();

    private JsonObject Body(SparkJobSpec spec, ClusterProgram program, string idempotencyKey)
    {
        var task = new JsonObject { ["task_key"] = "main" };
        if (this.options.ExistingClusterId is { Length: > 0 } cluster)
        {
            task["existing_cluster_id"] = cluster;
        }
        else
        {
            var newCluster = new JsonObject
            {
                ["spark_version"] = this.options.SparkVersion,
                ["node_type_id"] = this.options.NodeType,
                ["num_workers"] = spec.Resources?.Executors ?? this.options.Workers,
            };
            var conf = new JsonObject();
            foreach ((string k, string v) in spec.Conf)
            {
                conf[k] = v;
            }

            // A cluster is sized by node type; memory and cores per process are Spark settings on top of it.
            if (spec.Resources is { } r)
            {
                SetIfNotNull(conf, "spark.driver.memory", r.DriverMemory);
                SetIfNotNull(conf, "spark.driver.cores", r.DriverCores?.ToString(CultureInfo.InvariantCulture));
                SetIfNotNull(conf, "spark.executor.memory", r.ExecutorMemory);
                SetIfNotNull(conf, "spark.executor.cores", r.ExecutorCores?.ToString(CultureInfo.InvariantCulture));
            }

            if (conf.Count > 0)
            {
                newCluster["spark_conf"] = conf;
            }

            task["new_cluster"] = newCluster;
        }

        if (program.ClassName is null)
        {
            task["spark_python_task"] = new JsonObject { ["python_file"] = program.File, ["parameters"] = ClusterProgram.Array(program.Args) };
        }
        else
        {
            task["spark_jar_task"] = new JsonObject { ["main_class_name"] = program.ClassName, ["parameters"] = ClusterProgram.Array(program.Args) };
        }

        List<JsonNode> libraries = [.. program.Jars.Select(j => (JsonNode)new JsonObject { ["jar"] = j })];
        if (program.ClassName is not null)
        {
            libraries.Add(new JsonObject { ["jar"] = program.File });
        }

        libraries.AddRange(program.PyFiles.Select(f => (JsonNode)new JsonObject
        {
            [f.EndsWith(".egg", StringComparison.OrdinalIgnoreCase) ? "egg" : "whl"] = f,
        }));
        if (libraries.Count > 0)
        {
            task["libraries"] = new JsonArray([.. libraries]);
        }

        return new JsonObject
        {
            ["run_name"] = spec.Name,
            ["idempotency_token"] = IdempotencyToken(idempotencyKey),
            ["tasks"] = new JsonArray(task),

            // Queue rather than skip a run at the workspace's concurrency limits (the 2.2 default, sent to be explicit).
            ["queue"] = new JsonObject { ["enabled"] = true },
        };
    }

    private static void SetIfNotNull(JsonObject conf, string key, string? value)
    {
        if (value is not null)
        {
            conf[key] = value;
        }
    }

    private async Task<SparkJobStatus> WithOutputAsync(SparkJobStatus status, JsonNode run, CancellationToken cancellationToken)
    {
        // get-output answers for one task run: the task's run_id, not the submitted run's.
        string? taskRunId = run["tasks"] is JsonArray { Count: > 0 } tasks ? tasks[0]?["run_id"]?.ToString() : null;
        JsonNode? output;
        try
        {
            output = await this.GetIfExistsAsync(this.Api("runs/get-output", "run_id=" + CheckId(taskRunId ?? status.JobId)), cancellationToken).ConfigureAwait(false);
        }
        catch (SparkBackendException e)
        {
            // The state is known; the output is a bonus that must not hide it.
            return status with { LogTail = [$"runs/get-output failed: {e.Message}"] };
        }

        if (output is null)
        {
            return status;
        }

        string? error = NonEmpty(output["error"]);
        string[] logs = NonEmpty(output["logs"]) is { } text ? text.Split('\n') : [];
        return status with
        {
            Error = error is null ? null : this.redactor.Redact(error),
            ErrorTrace = NonEmpty(output["error_trace"]) is { } trace ? this.redactor.Redact(trace) : null,
            Message = error is not null && status.State == SparkJobState.Failed ? this.redactor.Redact(error) : status.Message,
            LogTail = [.. logs.TakeLast(LogTailLines).Select(this.redactor.Redact)],
        };
    }

    private async Task<JsonNode?> GetIfExistsAsync(Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            return await this.rest.SendAsync(HttpMethod.Get, uri, null, true, cancellationToken).ConfigureAwait(false);
        }
        catch (SparkBackendException e) when (e.Status == HttpStatusCode.BadRequest && RunNotFound().IsMatch(e.Message))
        {
            return null;
        }
    }

    private Uri Api(string path, string? query = null) =>
        new($"{this.workspace.AbsoluteUri.TrimEnd('/')}/api/2.2/jobs/{path}{(query is null ? string.Empty : "?" + query)}");
}
