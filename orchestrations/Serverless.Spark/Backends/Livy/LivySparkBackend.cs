using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Spark.Diagnostics;
using Serverless.Spark.Hosting;
using Serverless.Spark.Http;
using Serverless.Spark.Jobs;
using Serverless.Spark.Records;
using Serverless.Storage.Connection;

namespace Serverless.Spark.Backends.Livy;

/// <summary>
/// Apache Livy batches (self-hosted or HDInsight), following Livy's <c>docs/rest-api.md</c>: <c>POST /batches</c>,
/// <c>GET /batches/{id}</c>, <c>GET /batches/{id}/log</c>, <c>GET /batches/{name}</c> or <c>GET /batches?from&amp;size</c>
/// (recovery by name, 0.6 and later), <c>GET /version</c>, <c>DELETE /batches/{id}</c>; basic auth and
/// <c>X-Requested-By</c>. Idempotency comes from the key → batch mapping in the <c>SparkJobs</c> table.
/// </summary>
public sealed class LivySparkBackend : ISparkBackend, ISparkJobStatusProbe
{
    private readonly LivyBatchProtocol protocol;
    private readonly SecretRedactor redactor;
    private readonly ILogger logger;

    /// <summary>Initializes a new instance of the <see cref="LivySparkBackend"/> class.</summary>
    /// <param name="http">An HTTP client from the factory (<see cref="SparkHttpClientNames.Livy"/>).</param>
    /// <param name="account">The storage account (data, scripts and the jobs table).</param>
    /// <param name="options">The Livy settings.</param>
    /// <param name="clusterPathTemplate">How the cluster addresses blobs (see <see cref="SparkOptions.ClusterPathTemplate"/>).</param>
    /// <param name="logger">The logger.</param>
    public LivySparkBackend(HttpClient http, StorageAccount account, LivySparkOptions options, string clusterPathTemplate, ILogger<LivySparkBackend>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(options);
        Uri endpoint = options.Endpoint ?? throw new InvalidOperationException("Spark:Livy:Endpoint is not set.");
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        string? basic = options.UserName is null
            ? null
            : Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.UserName}:{options.Password}"));
        this.redactor = new SecretRedactor(options.Password, basic);
        string requestedBy = options.RequestedBy;
        var rest = new SparkRestClient(
            http,
            "Livy",
            (request, _) =>
            {
                if (basic is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
                }

                request.Headers.TryAddWithoutValidation("X-Requested-By", requestedBy);
                return ValueTask.CompletedTask;
            },
            this.redactor);
        bool? names = options.ServerVersion is null ? null : LivyBatchProtocol.HasBatchNames(options.ServerVersion);
        this.protocol = new LivyBatchProtocol(
            rest,
            new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/batches"),
            new LivyDialect
            {
                Service = "Livy",
                NamesSupported = names,

                // GET /batches/{name} exists exactly where names do (0.6+), and the protocol looks names up only there,
                // so Livy never pages the batch list.
                ReadsByName = true,
                KeepsCancelledBatches = false,
                LogTailLines = Math.Max(0, options.LogTailLines),
                RejectedSubmitRetries = Math.Max(0, options.RejectedSubmitRetries),
                RejectedSubmitRetryDelay = options.RejectedSubmitRetryDelay,
            },
            this.Name,
            new SparkJobRecordStore(account),
            new ClusterJobStaging(account, clusterPathTemplate),
            this.redactor,
            this.logger);
    }

    /// <inheritdoc/>
    public string Name => SparkBackendNames.Livy;

    /// <inheritdoc/>
    public IReadOnlyCollection<SparkJobKind> SupportedKinds { get; } = [SparkJobKind.Sql, SparkJobKind.PySpark, SparkJobKind.Jar];

    /// <inheritdoc/>
    public Task<SparkJobHandle> StartJobAsync(SparkJobSpec spec, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        SparkIdempotencyKey.ThrowIfInvalid(idempotencyKey);
        return this.protocol.StartJobAsync(spec, idempotencyKey, _ => { }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<SparkJobStatus> GetStatusAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return this.protocol.GetStatusAsync(handle, this.Map, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> IsRunningAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return this.protocol.IsRunningAsync(handle, this.Map, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<SparkJobStatus> CancelJobAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        Logs.CancelRequested(this.logger, this.Name, handle.JobId);
        return this.protocol.CancelAsync(handle, this.Map, cancellationToken);
    }

    private SparkJobStatus Map(string id, JsonObject batch)
    {
        string? state = batch["state"]?.ToString();
        SparkJobState mapped = LivyStates.Map(state);
        IReadOnlyList<string> log = batch["log"] is JsonArray lines ? [.. lines.Select(l => this.redactor.Redact(l?.ToString()))] : [];
        return LivyBatchProtocol.WithAppInfo(batch, new SparkJobStatus(id, mapped)
        {
            Message = mapped == SparkJobState.Failed ? $"Livy batch {id} ended in state '{state}'." : $"Livy state '{state}'.",
            ClusterState = state,
            LogTail = log,
        });
    }
}
