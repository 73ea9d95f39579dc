using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Azure.Core;
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
/// Synapse Spark pools through the Synapse batch API
/// (<c>{endpoint}/livyApi/versions/2019-11-01-preview/sparkPools/{pool}/batches</c>) with Entra ID tokens for
/// <c>https://dev.azuresynapse.net/.default</c>; its <c>result</c>, <c>schedulerInfo</c> and <c>errorInfo</c> fields
/// are mapped. Idempotency works as for Livy.
/// </summary>
public sealed class SynapseSparkBackend : ISparkBackend
{
    /// <summary>The token scope of the Synapse data plane.</summary>
    public const string Scope = "https://dev.azuresynapse.net/.default";

    private readonly LivyBatchProtocol protocol;
    private readonly ILogger logger;
    private readonly TokenCache tokens;

    /// <summary>Initializes a new instance of the <see cref="SynapseSparkBackend"/> class.</summary>
    /// <param name="http">An HTTP client from the factory (<see cref="SparkHttpClientNames.Synapse"/>).</param>
    /// <param name="account">The storage account.</param>
    /// <param name="options">The Synapse settings.</param>
    /// <param name="clusterPathTemplate">How the pool addresses blobs.</param>
    /// <param name="credential">The Entra ID credential (managed identity in Azure).</param>
    /// <param name="logger">The logger.</param>
    public SynapseSparkBackend(HttpClient http, StorageAccount account, SynapseSparkOptions options, string clusterPathTemplate, TokenCredential credential, ILogger<SynapseSparkBackend>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credential);
        Uri endpoint = options.Endpoint ?? throw new InvalidOperationException("Spark:Synapse:Endpoint is not set.");
        string pool = options.SparkPool ?? throw new InvalidOperationException("Spark:Synapse:SparkPool is not set.");
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        this.tokens = new TokenCache(credential, Scope);
        var rest = new SparkRestClient(
            http,
            "Synapse",
            async (request, ct) => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await this.tokens.GetAsync(ct).ConfigureAwait(false)),
            new SecretRedactor());
        this.protocol = new LivyBatchProtocol(
            rest,
            new Uri($"{endpoint.AbsoluteUri.TrimEnd('/')}/livyApi/versions/{Uri.EscapeDataString(options.ApiVersion)}/sparkPools/{Uri.EscapeDataString(pool)}/batches"),
            "detailed=true",
            this.Name,
            new SparkJobRecordStore(account),
            new ClusterJobStaging(account, clusterPathTemplate),
            200,
            this.logger);
    }

    /// <inheritdoc/>
    public string Name => SparkBackendNames.Synapse;

    /// <inheritdoc/>
    public IReadOnlyCollection<SparkJobKind> SupportedKinds { get; } = [SparkJobKind.Sql, SparkJobKind.PySpark, SparkJobKind.Jar];

    /// <inheritdoc/>
    public Task<SparkJobHandle> StartJobAsync(SparkJobSpec spec, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        SparkIdempotencyKey.ThrowIfInvalid(idempotencyKey);
        return this.protocol.StartJobAsync(
            spec,
            idempotencyKey,
            body =>
            {
                // Synapse requires the sizes; these are the smallest sensible defaults for a pool node.
                body["driverMemory"] ??= "4g";
                body["driverCores"] ??= 4;
                body["executorMemory"] ??= "4g";
                body["executorCores"] ??= 4;
                body["numExecutors"] ??= 2;
                body["tags"] = new JsonObject { ["serverless-idempotency-key"] = idempotencyKey };
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<SparkJobStatus> GetStatusAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        JsonObject? job = await this.protocol.GetBatchAsync(handle.JobId, cancellationToken).ConfigureAwait(false);
        return job is null
            ? await this.protocol.ForgottenBatchStatusAsync(handle, "Synapse", cancellationToken).ConfigureAwait(false)
            : Map(handle.JobId, job);
    }

    /// <inheritdoc/>
    public async Task<SparkJobStatus> CancelJobAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        Logs.CancelRequested(this.logger, this.Name, handle.JobId);
        // Synapse keeps cancelled batches, so the status after the delete shows the outcome.
        return await this.protocol.CancelBatchAsync(handle, "Synapse", cancellationToken).ConfigureAwait(false)
            ?? await this.GetStatusAsync(handle, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Maps a Synapse SparkBatchJob: result first (Succeeded, Failed, Cancelled), then scheduler and Livy state.</summary>
    /// <param name="id">The batch id.</param>
    /// <param name="job">The batch JSON.</param>
    /// <returns>The status.</returns>
    internal static SparkJobStatus Map(string id, JsonObject job)
    {
        string? result = job["result"]?.ToString();
        string? livyState = job["state"]?.ToString();
        string? scheduler = job["schedulerInfo"]?["currentState"]?.ToString();
        SparkJobState state = result switch
        {
            "Succeeded" => SparkJobState.Succeeded,
            "Failed" => SparkJobState.Failed,
            "Cancelled" => SparkJobState.Cancelled,

            // Uncertain (still running or unknown): the scheduler says whether it even started.
            _ => scheduler switch
            {
                "Queued" => SparkJobState.Pending,
                "Scheduled" => LivyStates.Map(livyState) is SparkJobState.Succeeded or SparkJobState.Failed or SparkJobState.Cancelled ? LivyStates.Map(livyState) : SparkJobState.Running,
                "Ended" => LivyStates.Map(livyState) is SparkJobState.Pending or SparkJobState.Running ? SparkJobState.Failed : LivyStates.Map(livyState),
                _ => LivyStates.Map(livyState),
            },
        };
        string errors = job["errorInfo"] is JsonArray info
            ? string.Join(" ", info.Select(e => $"{e?["errorCode"]}: {e?["message"]}"))
            : string.Empty;
        return new SparkJobStatus(id, state)
        {
            Message = errors.Length > 0 ? errors : $"Synapse result '{result}', scheduler '{scheduler}', state '{livyState}'.",
            LogTail = job["log"] is JsonArray lines ? [.. lines.Select(l => l?.ToString() ?? string.Empty)] : [],
        };
    }
}
