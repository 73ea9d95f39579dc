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
/// Apache Livy batches (self-hosted or HDInsight): <c>POST /batches</c>, <c>GET /batches/{id}</c>,
/// <c>GET /batches</c> (recovery by name), <c>DELETE /batches/{id}</c>; basic auth and <c>X-Requested-By</c>.
/// Idempotency comes from the key → batch mapping in the <c>SparkJobs</c> table.
/// </summary>
public sealed class LivySparkBackend : ISparkBackend
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
        this.protocol = new LivyBatchProtocol(
            rest,
            new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/batches"),
            null,
            this.Name,
            new SparkJobRecordStore(account),
            new ClusterJobStaging(account, clusterPathTemplate),
            options.ListPageSize,
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
    public async Task<SparkJobStatus> GetStatusAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        JsonObject? batch = await this.protocol.GetBatchAsync(handle.JobId, cancellationToken).ConfigureAwait(false);
        if (batch is null)
        {
            return await this.protocol.ForgottenBatchStatusAsync(handle, "Livy", cancellationToken).ConfigureAwait(false);
        }

        string? state = batch["state"]?.ToString();
        SparkJobState mapped = LivyStates.Map(state);
        IReadOnlyList<string> log = batch["log"] is JsonArray lines ? [.. lines.Select(l => this.redactor.Redact(l?.ToString()))] : [];
        return new SparkJobStatus(handle.JobId, mapped)
        {
            Message = mapped == SparkJobState.Failed ? $"Livy batch {handle.JobId} ended in state '{state}'." : $"Livy state '{state}'.",
            LogTail = log,
        };
    }

    /// <inheritdoc/>
    public async Task<SparkJobStatus> CancelJobAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        Logs.CancelRequested(this.logger, this.Name, handle.JobId);
        // Livy forgets a deleted batch at once; the record keeps the outcome for later status calls.
        return await this.protocol.CancelBatchAsync(handle, "Livy", cancellationToken).ConfigureAwait(false)
            ?? new SparkJobStatus(handle.JobId, SparkJobState.Cancelled) { Message = "Deleted (killed) on request." };
    }
}
