using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Azure.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Spark.Diagnostics;
using Serverless.Spark.Hosting;
using Serverless.Spark.Http;
using Serverless.Spark.Jobs;
using Serverless.Storage.Connection;

namespace Serverless.Spark.Backends.Databricks;

/// <summary>
/// Azure Databricks through the Jobs API 2.1: <c>runs/submit</c> (one task, <c>spark_python_task</c> or
/// <c>spark_jar_task</c>, on an existing cluster or a new one, with <c>idempotency_token</c>), <c>runs/get</c>,
/// <c>runs/cancel</c>. Auth by personal access token, or by an Entra ID token when no PAT is configured.
/// </summary>
public sealed class DatabricksSparkBackend : ISparkBackend
{
    private readonly SparkRestClient rest;
    private readonly Uri workspace;
    private readonly DatabricksSparkOptions options;
    private readonly ClusterJobStaging staging;
    private readonly ILogger logger;

    /// <summary>Initializes a new instance of the <see cref="DatabricksSparkBackend"/> class.</summary>
    /// <param name="http">An HTTP client from the factory (<see cref="SparkHttpClientNames.Databricks"/>).</param>
    /// <param name="account">The storage account (data and scripts).</param>
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
        string? pat = options.Token;
        TokenCache? tokens = pat is null
            ? new TokenCache(credential ?? throw new InvalidOperationException("Spark:Databricks:Token is not set and no Entra ID credential is available."), DatabricksSparkOptions.EntraScope)
            : null;
        this.rest = new SparkRestClient(
            http,
            "Databricks",
            async (request, ct) => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", pat ?? await tokens!.GetAsync(ct).ConfigureAwait(false)),
            new SecretRedactor(pat));
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
        ClusterProgram program = await this.staging.PrepareAsync(spec, idempotencyKey, cancellationToken).ConfigureAwait(false);
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
            if (spec.Conf.Count > 0)
            {
                var conf = new JsonObject();
                foreach ((string k, string v) in spec.Conf)
                {
                    conf[k] = v;
                }

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

        string[] jars = [.. program.Jars, .. program.ClassName is null ? Array.Empty<string>() : [program.File]];
        if (jars.Length > 0)
        {
            task["libraries"] = new JsonArray([.. jars.Select(j => (JsonNode)new JsonObject { ["jar"] = j })]);
        }

        var body = new JsonObject
        {
            ["run_name"] = spec.Name,
            ["idempotency_token"] = IdempotencyToken(idempotencyKey),
            ["tasks"] = new JsonArray(task),
        };

        // The idempotency token makes a repeated submit return the same run, so every transient failure may be retried.
        JsonNode? answer = await this.rest.SendAsync(HttpMethod.Post, this.Api("runs/submit"), body, retryAnyTransient: true, cancellationToken).ConfigureAwait(false)
            ?? throw new SparkBackendException("Databricks: runs/submit answered 404; check the workspace URL.");
        string runId = answer["run_id"]?.ToString() ?? throw new SparkBackendException("Databricks: runs/submit returned no run_id.");
        SparkTelemetry.JobsSubmitted.Add(1, new KeyValuePair<string, object?>("backend", this.Name));
        Logs.JobSubmitted(this.logger, spec.Name, this.Name, runId, idempotencyKey);
        return new SparkJobHandle(this.Name, runId, idempotencyKey);
    }

    /// <inheritdoc/>
    public async Task<SparkJobStatus> GetStatusAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        JsonNode? run;
        try
        {
            run = await this.rest.SendAsync(HttpMethod.Get, this.Api("runs/get", "run_id=" + CheckId(handle.JobId)), null, true, cancellationToken).ConfigureAwait(false);
        }
        catch (SparkBackendException e) when (e.Status == System.Net.HttpStatusCode.BadRequest && e.Message.Contains("does not exist", StringComparison.OrdinalIgnoreCase))
        {
            run = null;
        }

        if (run is null)
        {
            return new SparkJobStatus(handle.JobId, SparkJobState.Lost) { Message = "Databricks no longer knows this run." };
        }

        string? lifeCycle = run["state"]?["life_cycle_state"]?.ToString();
        string? result = run["state"]?["result_state"]?.ToString();
        string? message = run["state"]?["state_message"]?.ToString();
        SparkJobState state = DatabricksStates.Map(lifeCycle, result);
        return new SparkJobStatus(handle.JobId, state)
        {
            Message = string.IsNullOrEmpty(message) ? $"Databricks {lifeCycle} {result}".TrimEnd() : message,
            LogTail = run["run_page_url"] is { } url ? [$"run page: {url}"] : [],
        };
    }

    /// <inheritdoc/>
    public async Task<SparkJobStatus> CancelJobAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        Logs.CancelRequested(this.logger, this.Name, handle.JobId);
        var body = new JsonObject { ["run_id"] = long.Parse(CheckId(handle.JobId), CultureInfo.InvariantCulture) };
        await this.rest.SendAsync(HttpMethod.Post, this.Api("runs/cancel"), body, retryAnyTransient: true, cancellationToken).ConfigureAwait(false);
        return await this.GetStatusAsync(handle, cancellationToken).ConfigureAwait(false);
    }

    private static string CheckId(string id) =>
        id.Length is > 0 and <= 20 && id.All(char.IsAsciiDigit) ? id : throw new ArgumentException($"'{id}' is not a run id.", nameof(id));

    private Uri Api(string path, string? query = null) =>
        new($"{this.workspace.AbsoluteUri.TrimEnd('/')}/api/2.1/jobs/{path}{(query is null ? string.Empty : "?" + query)}");
}
